package io.cqrssuite.aws;

import java.net.URI;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * Builds the SDK clients the suite uses, all the same way: the URL-connection HTTP client (the lightest to start),
 * an explicit standard retry strategy with {@link AwsSettings#maxAttempts()}, a call timeout, the region and the
 * optional endpoint override. Clients are built once per container and reused across invocations; a module builds
 * the clients it needs with {@link #configure}, e.g. {@code clients.configure(SqsClient.builder(), "SQS").build()}.
 */
public final class AwsClients {
  private final AwsSettings settings;
  private final SdkHttpClient http;

  public AwsClients(AwsSettings settings) {
    this.settings = settings;
    this.http = UrlConnectionHttpClient.builder().build();
  }

  /** Applies the shared settings to any SDK client builder; {@code service} names its endpoint override. */
  public <B extends AwsClientBuilder<B, C> & software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, C>, C>
      B configure(B builder, String service) {
    builder
        .region(Region.of(settings.region()))
        .httpClient(http)
        .overrideConfiguration(
            ClientOverrideConfiguration.builder()
                .retryStrategy(
                    AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(settings.maxAttempts()).build())
                .apiCallTimeout(settings.callTimeout())
                .build());
    URI endpoint = settings.endpointFor(service);
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    return builder;
  }
}
