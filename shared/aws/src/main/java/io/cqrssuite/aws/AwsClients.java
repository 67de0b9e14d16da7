package io.cqrssuite.aws;

import io.cqrssuite.aws.internal.OnFirstUse;
import io.cqrssuite.retry.InvocationDeadline;
import io.cqrssuite.retry.RetrySettings;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * Builds the SDK clients the suite uses, all the same way: the URL-connection HTTP client (the lightest to start),
 * an explicit retry strategy, a call timeout, the region and the optional endpoint override. Clients are built once
 * per container and reused across invocations.
 *
 * <p>Two kinds of calls, so the SDK's retries and the suite's never multiply (contract §5):
 *
 * <ul>
 *   <li>{@link #configure}: calls made inside handlers, sync targets and the data-sync intake, which the suite's
 *       own retry ({@code SUITE_RETRY_MAX_ATTEMPTS}) already repeats with backoff within the deadline. The SDK
 *       makes <em>one</em> attempt; otherwise a throttled call would run up to {@code SUITE_RETRY_MAX_ATTEMPTS}
 *       times {@code SUITE_AWS_MAX_ATTEMPTS} attempts. The default for a module's clients.
 *   <li>{@link #configureWithSdkRetries}: calls nothing else repeats (dead-letter writes, alarms, task callbacks):
 *       the SDK's standard strategy with {@code SUITE_AWS_MAX_ATTEMPTS} attempts.
 * </ul>
 *
 * <p>Either way, a call made during an invocation gets an API call timeout of the time the invocation has left
 * ({@link InvocationDeadline}), when that is shorter than {@code SUITE_AWS_CALL_TIMEOUT_MS}: a stalled endpoint
 * cannot run the function into Lambda's timeout.
 */
public final class AwsClients {
  private final AwsSettings settings;
  /**
   * Built on first use: the URL-connection client builds its TLS context (the JDK's trust store, the JSSE provider,
   * about 770 classes) when it is constructed, which at init cost a function that never calls AWS more than its
   * whole dispatch path (measured by {@code ./suite bench cold}'s class census).
   */
  private final OnFirstUse<SdkHttpClient> http;
  private final DeadlineTimeouts timeouts;

  public AwsClients(AwsSettings settings, InvocationDeadline deadline) {
    this.settings = settings;
    this.http = new OnFirstUse<>(() -> UrlConnectionHttpClient.builder().build());
    this.timeouts = new DeadlineTimeouts(deadline, settings.callTimeout());
  }

  /** Outside any invocation (tools, tests): timeouts from the settings alone. */
  public AwsClients(AwsSettings settings) {
    this(settings, new InvocationDeadline(Clock.systemUTC(), RetrySettings.defaults().deadlineMargin()));
  }

  /**
   * For calls the suite retries itself: the SDK makes one attempt. Applies the shared settings to any SDK client
   * builder; {@code service} names its endpoint override, e.g. {@code clients.configure(SqsClient.builder(), "SQS")}.
   */
  public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B configure(B builder, String service) {
    return configure(builder, service, 1);
  }

  /** For calls nothing else retries: the SDK's standard retries, {@code SUITE_AWS_MAX_ATTEMPTS} attempts in all. */
  public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B configureWithSdkRetries(
      B builder, String service) {
    return configure(builder, service, settings.maxAttempts());
  }

  private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B configure(
      B builder, String service, int attempts) {
    builder
        .region(Region.of(settings.region()))
        .httpClient(http.get())
        .overrideConfiguration(
            ClientOverrideConfiguration.builder()
                .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(attempts).build())
                .apiCallTimeout(settings.callTimeout())
                .addExecutionInterceptor(timeouts)
                .build());
    URI endpoint = settings.endpointFor(service);
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    return builder;
  }

  /**
   * Builds the shared HTTP client now if it is not built yet, touching no network: for a SnapStart priming hook, so
   * the snapshot holds its TLS context rather than the first invocation after a restore paying for it.
   */
  public void prime() {
    http.get();
  }

  /** The API call timeout a call starting now gets: the configured one, or the invocation's time left if shorter. */
  Duration callTimeoutNow() {
    return timeouts.timeoutNow();
  }
}
