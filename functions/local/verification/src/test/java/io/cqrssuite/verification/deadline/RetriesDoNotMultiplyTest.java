package io.cqrssuite.verification.deadline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.retry.InvocationDeadline;
import io.cqrssuite.retry.RetrySettings;
import io.cqrssuite.retry.TransientRetry;
import io.cqrssuite.testing.lambda.FunctionSpec;
import io.cqrssuite.testing.lambda.SamTemplate;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * With the deployed template's values, a call the suite retries reaches the service {@code SUITE_RETRY_MAX_ATTEMPTS}
 * times, not that times {@code SUITE_AWS_MAX_ATTEMPTS}; a call nothing else retries (a dead-letter write) gets the
 * SDK's {@code SUITE_AWS_MAX_ATTEMPTS}. Against a loopback server that answers every request with a retryable 500.
 */
class RetriesDoNotMultiplyTest {
  private HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private Map<String, String> env;

  @BeforeEach
  void start() throws Exception {
    FunctionSpec function =
        SamTemplate.load(SampleEvents.repositoryRoot().resolve("template.yaml"))
            .function("EventFactoryFunction", Map.of(), new ArrayList<>());
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      requests.incrementAndGet();
      exchange.getRequestBody().readAllBytes();
      byte[] body = "{\"__type\":\"InternalError\",\"message\":\"try again\"}".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(500, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    env = new HashMap<>(function.environment());
    env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:" + server.getAddress().getPort());
    // Short pauses for the test; the attempts are the template's.
    env.put("SUITE_RETRY_BASE_DELAY_MS", "1");
    env.put("SUITE_RETRY_MAX_DELAY_MS", "5");
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private SqsClient sqs(AwsClients clients, boolean sdkRetries) {
    var builder = sdkRetries ? clients.configureWithSdkRetries(SqsClient.builder(), "SQS") : clients.configure(SqsClient.builder(), "SQS");
    return builder.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "s"))).build();
  }

  private void send(SqsClient sqs) {
    sqs.sendMessage(r -> r.queueUrl(env.get("AWS_ENDPOINT_URL") + "/000000000000/q").messageBody("x"));
  }

  @Test
  void aCallInsideAHandlerReachesTheServiceOncePerSuiteAttempt() throws Exception {
    RetrySettings retrySettings = RetrySettings.fromEnvironment(env);
    AwsSettings awsSettings = AwsSettings.fromEnvironment(env);
    assertThat(awsSettings.maxAttempts()).as("the template lets the SDK retry where the suite does not").isGreaterThan(1);
    InvocationDeadline deadline = new InvocationDeadline(retrySettings);
    TransientRetry retry = new TransientRetry(retrySettings, deadline);
    try (SqsClient sqs = sqs(new AwsClients(awsSettings, deadline), false)) {
      assertThatThrownBy(() -> retry.call(() -> {
            send(sqs);
            return null;
          }))
          .isInstanceOf(Exception.class);
    }
    assertThat(requests)
        .as("SUITE_RETRY_MAX_ATTEMPTS=%s, SUITE_AWS_MAX_ATTEMPTS=%s", env.get("SUITE_RETRY_MAX_ATTEMPTS"), env.get("SUITE_AWS_MAX_ATTEMPTS"))
        .hasValue(retrySettings.maxAttempts());
  }

  @Test
  void aCallNothingElseRetriesGetsTheSdksAttempts() {
    AwsSettings awsSettings = AwsSettings.fromEnvironment(env);
    try (SqsClient sqs = sqs(new AwsClients(awsSettings), true)) {
      assertThatThrownBy(() -> send(sqs)).isInstanceOf(Exception.class);
    }
    assertThat(requests).hasValue(awsSettings.maxAttempts());
  }

}
