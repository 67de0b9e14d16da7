package io.cqrssuite.testing.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP server on 127.0.0.1 speaking Secrets Manager's JSON 1.1 protocol, far enough for
 * {@code GetSecretValue}: it answers with the current secret string (set by the test, as a rotation would) and
 * records each request's {@code X-Amz-Target} and {@code SecretId}; or it answers with an error.
 */
public final class FakeSecretsManager implements AutoCloseable {
  /** One request as received. */
  public record Call(String target, String secretId) {}

  private final ObjectMapper mapper = new ObjectMapper();
  private final HttpServer server;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private volatile String secretString;
  private volatile int errorStatus;
  private volatile String errorType;

  private FakeSecretsManager(String secretString) throws IOException {
    this.secretString = secretString;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public static FakeSecretsManager start(String secretString) {
    try {
      return new FakeSecretsManager(secretString);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the fake Secrets Manager server", e);
    }
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** What the next reads return (a rotation); clears an error set by {@link #fail}. */
  public void secretString(String value) {
    this.secretString = value;
    this.errorStatus = 0;
  }

  /** Every read fails with this status and {@code __type} (ResourceNotFoundException, InternalServiceError...). */
  public void fail(int status, String type) {
    this.errorType = type;
    this.errorStatus = status;
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] request = exchange.getRequestBody().readAllBytes();
      JsonNode body = request.length == 0 ? mapper.createObjectNode() : mapper.readTree(request);
      String secretId = body.path("SecretId").asText(null);
      calls.add(new Call(exchange.getRequestHeaders().getFirst("X-Amz-Target"), secretId));
      exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
      exchange.getResponseHeaders().set("x-amzn-RequestId", "00000000-0000-0000-0000-" + String.format("%012d", calls.size()));
      if (errorStatus != 0) {
        ObjectNode error = mapper.createObjectNode().put("__type", errorType).put("Message", "fake " + errorType);
        send(exchange, errorStatus, error.toString());
        return;
      }
      ObjectNode reply =
          mapper.createObjectNode()
              .put("ARN", secretId)
              .put("Name", secretId.substring(secretId.lastIndexOf(':') + 1))
              .put("VersionId", "v" + calls.size())
              .put("SecretString", secretString)
              .put("CreatedDate", 1.7e9);
      reply.putArray("VersionStages").add("AWSCURRENT");
      send(exchange, 200, reply.toString());
    }
  }

  private static void send(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
