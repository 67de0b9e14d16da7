package io.cqrssuite.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The answer to CloudFormation, PUT to a real HTTP server on 127.0.0.1 standing in for the pre-signed S3 URL. */
class CloudFormationResponderTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
  private final Deque<Integer> statuses = new ArrayDeque<>();
  private HttpServer server;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      try (exchange) {
        bodies.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
        Integer status;
        synchronized (statuses) {
          status = statuses.poll();
        }
        exchange.sendResponseHeaders(status == null ? 200 : status, -1);
      }
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private CustomResourceRequest request() {
    String json =
        "{\"RequestType\":\"Update\",\"ResponseURL\":\"http://127.0.0.1:" + server.getAddress().getPort()
            + "/bucket/key?X-Amz-Signature=secret-signature\",\"StackId\":\"stack\",\"RequestId\":\"r-1\","
            + "\"LogicalResourceId\":\"ReadModelSchema\",\"PhysicalResourceId\":\"ReadModelSchema\","
            + "\"ResourceType\":\"Custom::SchemaMigration\",\"ResourceProperties\":{\"SchemaVersion\":\"v7\"}}";
    return CustomResourceRequest.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private static CloudFormationResponder responder() {
    return new CloudFormationResponder(
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), Duration.ofSeconds(5), 3, Duration.ZERO);
  }

  @Test
  void aServerErrorIsTriedAgainUntilTheAnswerIsDelivered() throws Exception {
    statuses.add(500);
    statuses.add(503);
    CustomResourceRequest request = request();

    responder().send(request.responseUrl(), CustomResourceResponse.success(request, "ReadModelSchema", Map.of("applied", 2)));

    assertThat(bodies).hasSize(3);
    assertThat(bodies.get(2).path("Status").asText()).isEqualTo("SUCCESS");
    assertThat(bodies.get(2).path("Data").path("applied").asInt()).isEqualTo(2);
    assertThat(bodies.get(2).has("Reason")).isFalse();
  }

  @Test
  void aRefusedAnswerIsNotTriedAgainAndTheSignatureIsNeverRepeated() {
    statuses.add(403);
    CustomResourceRequest request = request();

    assertThatThrownBy(
            () -> responder().send(request.responseUrl(), CustomResourceResponse.failed(request, "ReadModelSchema", "x")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("HTTP 403")
        .hasMessageNotContaining("secret-signature");
    assertThat(bodies).hasSize(1);
    assertThat(request.toString()).doesNotContain("secret-signature");
    assertThat(request.property("SchemaVersion")).isEqualTo("v7");
  }

  @Test
  void aReasonIsOneLineWithItsCausesAndWithoutUrlQueriesOrOverlength() {
    SQLException cause = new SQLException("FATAL: password authentication failed\n---------------\nfor user x");
    RuntimeException error =
        new RuntimeException("cannot migrate jdbc:postgresql://db:5432/catalog?password=hunter2 now", cause);

    String reason = CustomResourceProvider.reason(error);

    assertThat(reason)
        .isEqualTo(
            "RuntimeException: cannot migrate jdbc:postgresql://db:5432/catalog?... now"
                + " <- FATAL: password authentication failed for user x");
    assertThat(CustomResourceResponse.failed(request(), "id", "x".repeat(5000)).reason()).hasSize(1500);
  }

  @Test
  void aRequestWithoutResponseUrlCannotBeAnswered() {
    assertThatThrownBy(
            () -> CustomResourceRequest.parse("{\"RequestType\":\"Create\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ResponseURL");
  }
}
