package io.cqrssuite.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.cqrssuite.retry.InvocationDeadline;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

/**
 * The two bounds every SDK call of the suite gets: a timeout no longer than the invocation's time left, and a number
 * of attempts that does not multiply with the suite's own retries (contract §5). Against a real HTTP server on
 * loopback that stalls or answers 500.
 */
class AwsCallBoundsTest {
  private static final AwsBasicCredentials KEYS = AwsBasicCredentials.create("AKIDTEST", "secret");

  private HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() {
    release.countDown();
    if (server != null) {
      server.stop(0);
    }
  }

  /** A server that reads each request and then never answers, until the test ends. */
  private URI stalling() throws IOException {
    return serve(exchange -> {
      requests.incrementAndGet();
      exchange.getRequestBody().readAllBytes();
      try {
        release.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
    });
  }

  /** A server that answers every request with a retryable 500. */
  private URI failing() throws IOException {
    return serve(exchange -> {
      requests.incrementAndGet();
      exchange.getRequestBody().readAllBytes();
      byte[] body = "{\"__type\":\"InternalError\",\"message\":\"try again\"}".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
      exchange.sendResponseHeaders(500, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
  }

  private URI serve(com.sun.net.httpserver.HttpHandler handler) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", handler);
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private static AwsSettings settings(URI endpoint, int maxAttempts, Duration callTimeout) {
    return new AwsSettings("us-east-1", Map.of(), endpoint, maxAttempts, callTimeout);
  }

  private static SqsClient sqs(AwsClients clients, boolean sdkRetries) {
    SqsClientBuilder builder =
        sdkRetries ? clients.configureWithSdkRetries(SqsClient.builder(), "SQS") : clients.configure(SqsClient.builder(), "SQS");
    return builder.credentialsProvider(StaticCredentialsProvider.create(KEYS)).build();
  }

  @Test
  void aCallToAStalledEndpointEndsWithTheInvocationsTimeLeftNotTheClientsTimeout() throws Exception {
    URI endpoint = stalling();
    InvocationDeadline deadline = new InvocationDeadline(Clock.systemUTC(), Duration.ofSeconds(2));
    AwsClients clients = new AwsClients(settings(endpoint, 1, Duration.ofSeconds(30)), deadline);
    deadline.begin(4_000); // Lambda says 4 s are left; 2 s are kept to answer
    try (SqsClient sqs = sqs(clients, false)) {
      long started = System.nanoTime();
      assertThatThrownBy(() -> sqs.sendMessage(r -> r.queueUrl(endpoint + "/000000000000/q").messageBody("x")))
          .isInstanceOf(ApiCallTimeoutException.class);
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertThat(tookMillis).as("answered before Lambda's 4 s ran out, not after the client's 30 s").isLessThan(4_000);
    } finally {
      deadline.end();
    }
  }

  @Test
  void outsideAnInvocationTheClientsOwnTimeoutApplies() {
    InvocationDeadline deadline = new InvocationDeadline(Clock.systemUTC(), Duration.ofSeconds(2));
    AwsClients clients = new AwsClients(settings(URI.create("http://127.0.0.1:1"), 1, Duration.ofSeconds(7)), deadline);
    assertThat(clients.callTimeoutNow()).isEqualTo(Duration.ofSeconds(7));
    deadline.begin(5_000);
    try {
      assertThat(clients.callTimeoutNow()).isLessThanOrEqualTo(Duration.ofSeconds(3));
    } finally {
      deadline.end();
    }
  }

  @Test
  void aClientForCallsTheSuiteRetriesMakesOneAttempt() throws Exception {
    URI endpoint = failing();
    try (SqsClient sqs = sqs(new AwsClients(settings(endpoint, 3, Duration.ofSeconds(10))), false)) {
      assertThatThrownBy(() -> sqs.sendMessage(r -> r.queueUrl(endpoint + "/000000000000/q").messageBody("x")))
          .isInstanceOf(SdkException.class);
    }
    assertThat(requests).as("one SDK attempt: the suite's retry repeats the call").hasValue(1);
  }

  @Test
  void aClientForCallsNothingElseRetriesMakesTheConfiguredAttempts() throws Exception {
    URI endpoint = failing();
    try (SqsClient sqs = sqs(new AwsClients(settings(endpoint, 3, Duration.ofSeconds(10))), true)) {
      assertThatThrownBy(() -> sqs.sendMessage(r -> r.queueUrl(endpoint + "/000000000000/q").messageBody("x")))
          .isInstanceOf(SdkException.class);
    }
    assertThat(requests).as("SUITE_AWS_MAX_ATTEMPTS").hasValue(3);
  }
}
