package io.cqrssuite.testing.stepfunctions;

import io.cqrssuite.testing.lambda.FunctionSpec;
import io.cqrssuite.testing.lambda.LocalContext;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Runs functions in this JVM for the local Step Functions harness: an HTTP server on a free loopback port that
 * answers the Lambda Invoke API ({@code POST /2015-03-31/functions/NAME/invocations}) by calling that function's
 * {@link RequestStreamHandler}. A handler's exception becomes Lambda's error document ({@code errorType} the
 * exception class, as the Java runtime reports it) under {@code X-Amz-Function-Error: Unhandled}, which Step
 * Functions turns into the task's error. {@code X-Amz-Invocation-Type: Event} runs the handler after answering 202.
 * A stand-in for the Lambda service only; never on the production path.
 */
public final class LambdaInvokeBridge implements AutoCloseable {
  /** Lambda's longest timeout: a bridged call is bounded by the Task state's own TimeoutSeconds instead. */
  private static final int MAX_LAMBDA_SECONDS = 900;
  private static final String PREFIX = "/2015-03-31/functions/";
  private static final String SUFFIX = "/invocations";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, RequestStreamHandler> functions;
  private final HttpServer server;
  private final ExecutorService workers;

  private LambdaInvokeBridge(Map<String, RequestStreamHandler> functions) throws IOException {
    this.functions = Map.copyOf(functions);
    // Map states invoke concurrently; one thread per in-flight invoke, as Lambda gives each its own container.
    this.workers = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "lambda-invoke-bridge");
      t.setDaemon(true);
      return t;
    });
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(workers);
    server.createContext(PREFIX, this::serve);
    server.start();
  }

  /** Starts serving {@code functions} (function name to handler) on a free loopback port. */
  public static LambdaInvokeBridge start(Map<String, RequestStreamHandler> functions) throws IOException {
    return new LambdaInvokeBridge(functions);
  }

  /** The base URL of the Invoke API, as {@code AWS_ENDPOINT_URL_LAMBDA} would be. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange; InputStream body = exchange.getRequestBody()) {
      byte[] event = body.readAllBytes();
      String path = exchange.getRequestURI().getRawPath();
      if (!"POST".equals(exchange.getRequestMethod()) || !path.endsWith(SUFFIX)) {
        send(exchange, 404, null, error("UnknownOperationException", "not the Invoke API: " + path, null));
        return;
      }
      String reference = URLDecoder.decode(path.substring(PREFIX.length(), path.length() - SUFFIX.length()), StandardCharsets.UTF_8);
      String name = functionName(reference);
      RequestStreamHandler handler = functions.get(name);
      if (handler == null) {
        exchange.getResponseHeaders().add("x-amzn-ErrorType", "ResourceNotFoundException");
        send(exchange, 404, null, error("ResourceNotFoundException", "Function not found: " + name, null));
        return;
      }
      if ("Event".equals(exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type"))) {
        send(exchange, 202, null, new byte[0]);
        workers.execute(() -> invoke(handler, name, event));
        return;
      }
      Invocation result = invoke(handler, name, event);
      send(exchange, 200, result.failed() ? "Unhandled" : null, result.payload());
    }
  }

  private record Invocation(byte[] payload, boolean failed) {}

  private static Invocation invoke(RequestStreamHandler handler, String name, byte[] event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      handler.handleRequest(new ByteArrayInputStream(event), out, new LocalContext(new FunctionSpec(name, name, MAX_LAMBDA_SECONDS, 1024, Map.of())));
      byte[] payload = out.toByteArray();
      return new Invocation(payload.length == 0 ? "null".getBytes(StandardCharsets.UTF_8) : payload, false);
    } catch (Exception | Error e) {
      return new Invocation(error(e.getClass().getName(), e.getMessage(), e), true);
    }
  }

  /** {@code orders}, {@code orders:live} and {@code arn:aws:lambda:REGION:ACCOUNT:function:orders[:live]} name one function. */
  static String functionName(String reference) {
    int marker = reference.indexOf(":function:");
    String rest = marker < 0 ? reference : reference.substring(marker + ":function:".length());
    int qualifier = rest.indexOf(':');
    return qualifier < 0 ? rest : rest.substring(0, qualifier);
  }

  private static void send(HttpExchange exchange, int status, String functionError, byte[] body) throws IOException {
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    if (functionError != null) {
      exchange.getResponseHeaders().add("X-Amz-Function-Error", functionError);
    }
    exchange.getResponseHeaders().add("X-Amz-Executed-Version", "$LATEST");
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream response = exchange.getResponseBody()) {
        response.write(body);
      }
    }
  }

  /** Lambda's error document for a Java function: errorType, errorMessage and the top of the stack. */
  private static byte[] error(String type, String message, Throwable cause) {
    ObjectNode error = JSON.createObjectNode();
    error.put("errorType", type);
    error.put("errorMessage", message == null ? "" : message);
    if (cause != null) {
      var stack = error.putArray("stackTrace");
      StackTraceElement[] frames = cause.getStackTrace();
      for (int i = 0; i < Math.min(frames.length, 20); i++) {
        stack.add(frames[i].toString());
      }
    }
    return error.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
  }
}
