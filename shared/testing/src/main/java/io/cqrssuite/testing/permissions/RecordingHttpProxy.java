package io.cqrssuite.testing.permissions;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A pass-through HTTP proxy in front of a local OpenSearch node that records each request as the IAM action Amazon
 * OpenSearch Service would check: {@code es:ESHttp<Method>} on the request's path. The functions are pointed at
 * {@link #endpoint()} instead of the node; the recording sees what they send, whichever client or transport sent it.
 */
public final class RecordingHttpProxy implements AutoCloseable {
  private static final Set<String> HOP_BY_HOP =
      Set.of("host", "connection", "content-length", "transfer-encoding", "keep-alive", "upgrade", "expect");

  private final URI target;
  private final HttpServer server;
  private final ExecutorService workers;
  private final HttpClient client;

  private RecordingHttpProxy(URI target) throws IOException {
    this.target = target;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    this.workers = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "recording-http-proxy");
      t.setDaemon(true);
      return t;
    });
    this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    server.setExecutor(workers);
    server.createContext("/", this::forward);
    server.start();
  }

  /** Forwards to {@code target} (scheme, host and port of the node). */
  public static RecordingHttpProxy start(URI target) throws IOException {
    return new RecordingHttpProxy(target);
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void forward(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
      URI uri = exchange.getRequestURI();
      Recording recording = Recording.current();
      if (recording != null) {
        recording.add("es:ESHttp" + method.charAt(0) + method.substring(1).toLowerCase(Locale.ROOT), uri.getRawPath());
      }
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())))
          .timeout(Duration.ofSeconds(60))
          .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
      for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
        if (!HOP_BY_HOP.contains(header.getKey().toLowerCase(Locale.ROOT))) {
          header.getValue().forEach(v -> request.header(header.getKey(), v));
        }
      }
      HttpResponse<byte[]> response;
      try {
        response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exchange.sendResponseHeaders(502, -1);
        return;
      }
      response.headers().map().forEach((name, values) -> {
        if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
          exchange.getResponseHeaders().put(name, values);
        }
      });
      byte[] out = response.body();
      boolean empty = "HEAD".equals(method) || out.length == 0;
      exchange.sendResponseHeaders(response.statusCode(), empty ? -1 : out.length);
      if (!empty) {
        try (OutputStream os = exchange.getResponseBody()) {
          os.write(out);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
  }
}
