package io.cqrssuite.testing.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Stands in for the Step Functions API where none runs (this machine has no Step Functions server): it accepts the
 * task-token callbacks ({@code SendTaskSuccess}, {@code SendTaskFailure}, {@code SendTaskHeartbeat}) over the real
 * JSON protocol the SDK speaks, answers as Step Functions does for a live token, and records each call. It runs
 * no workflow: it only lets a local invoke show what the function told Step Functions. Never on the production
 * path; pointed at by {@code AWS_ENDPOINT_URL_SFN}.
 */
public final class StepFunctionsCallbackRecorder implements AutoCloseable {
  private final HttpServer server;
  private final ObjectMapper mapper = new ObjectMapper();
  private final List<ObjectNode> calls = new ArrayList<>();
  private final PrintStream echo;

  private StepFunctionsCallbackRecorder(PrintStream echo) throws IOException {
    this.echo = echo;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      try (InputStream body = exchange.getRequestBody()) {
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        String action = target == null ? "?" : target.substring(target.indexOf('.') + 1);
        JsonNode request = mapper.readTree(body.readAllBytes());
        ObjectNode call = mapper.createObjectNode();
        call.put("action", action);
        call.set("request", request);
        record(call);
        byte[] reply = "{}".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
        exchange.sendResponseHeaders(200, reply.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(reply);
        }
      }
    });
    server.start();
  }

  /** Starts on a free loopback port; each call is echoed to {@code echo} (stderr for the CLI) as one JSON line. */
  public static StepFunctionsCallbackRecorder start(PrintStream echo) throws IOException {
    return new StepFunctionsCallbackRecorder(echo);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public synchronized List<ObjectNode> calls() {
    return List.copyOf(calls);
  }

  private synchronized void record(ObjectNode call) {
    calls.add(call);
    if (echo != null) {
      echo.println("[step-functions callback recorder] " + call);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
