package io.cqrssuite.bench.cold;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The AWS endpoint the measured handler gets ({@code AWS_ENDPOINT_URL}): counts every request, so that a case that
 * touches no AWS service is known by recording, not by reading the code, and then forwards it to a local stand-in
 * (with backends) or refuses it with a 400 (without: nothing is configured, and no call may reach a real account).
 */
final class AwsRecorder implements AutoCloseable {
  /** Headers the JDK client sets itself and refuses to be given. */
  private static final Set<String> RESTRICTED = Set.of("host", "connection", "content-length", "expect", "upgrade");

  private final HttpServer server;
  private final HttpClient client = HttpClient.newHttpClient();
  private final URI upstream;
  private final AtomicInteger requests = new AtomicInteger();

  private AwsRecorder(URI upstream) throws IOException {
    this.upstream = upstream;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** @param upstream where requests go on to, or {@code null} to refuse them */
  static AwsRecorder start(URI upstream) throws IOException {
    return new AwsRecorder(upstream);
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  int requests() {
    return requests.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      if (upstream == null) {
        reply(exchange, 400, ("{\"__type\":\"UnrecognizedClientException\",\"message\":\"cold bench: no AWS is"
            + " configured in this case\"}").getBytes(StandardCharsets.UTF_8));
        return;
      }
      HttpRequest.Builder forward =
          HttpRequest.newBuilder(upstream.resolve(exchange.getRequestURI().toString()))
              .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
      exchange.getRequestHeaders().forEach((name, values) -> {
        if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
          values.forEach(value -> forward.header(name, value));
        }
      });
      HttpResponse<byte[]> response = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
      response.headers().map().forEach((name, values) -> {
        if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT)) && !name.equalsIgnoreCase("transfer-encoding")) {
          exchange.getResponseHeaders().put(name, List.copyOf(values));
        }
      });
      reply(exchange, response.statusCode(), response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while forwarding to " + upstream, e);
    }
  }

  private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
