package io.cqrssuite.testing.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * A real HTTP server on 127.0.0.1 speaking Step Functions' JSON 1.0 protocol, far enough for task callbacks: every
 * request's {@code X-Amz-Target} and JSON body are recorded, and the answer is {@code 200 {}} unless a test asks
 * for {@code TaskTimedOut} or a server error.
 */
public final class FakeStepFunctions implements AutoCloseable {
  /** How the server answers every request until the next {@link #reset()}. */
  public enum Reply {
    OK,
    TASK_TIMED_OUT,
    SERVER_ERROR
  }

  /** One request as received. */
  public record Call(String target, JsonNode body) {
    public String action() {
      int dot = target == null ? -1 : target.indexOf('.');
      return dot < 0 ? target : target.substring(dot + 1);
    }
  }

  private final ObjectMapper mapper = new ObjectMapper();
  private final HttpServer server;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private volatile Reply reply = Reply.OK;

  private FakeStepFunctions() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public static FakeStepFunctions start() {
    try {
      return new FakeStepFunctions();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the fake Step Functions server", e);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port();
  }

  public void reply(Reply reply) {
    this.reply = reply;
  }

  public void reset() {
    calls.clear();
    reply = Reply.OK;
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] request = exchange.getRequestBody().readAllBytes();
      JsonNode body = request.length == 0 ? mapper.createObjectNode() : mapper.readTree(request);
      calls.add(new Call(exchange.getRequestHeaders().getFirst("X-Amz-Target"), body));
      exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
      exchange.getResponseHeaders().set("x-amzn-RequestId", "00000000-0000-0000-0000-" + String.format("%012d", calls.size()));
      switch (reply) {
        case OK -> send(exchange, 200, "{}");
        case TASK_TIMED_OUT -> {
          exchange.getResponseHeaders().set("x-amzn-ErrorType", "TaskTimedOut");
          send(exchange, 400, "{\"__type\":\"com.amazonaws.sfn#TaskTimedOut\",\"message\":\"timed out\"}");
        }
        case SERVER_ERROR -> send(exchange, 500, "{\"__type\":\"com.amazonaws.sfn#InternalFailure\",\"message\":\"boom\"}");
      }
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
