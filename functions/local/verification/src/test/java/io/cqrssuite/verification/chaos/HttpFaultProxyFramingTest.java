package io.cqrssuite.verification.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The message framing of {@link HttpFaultProxy} on the wire: exchanges OpenSearch never produces (chunked responses
 * with trailers, early hints, read-until-close, bodiless 204/304 and HEAD answers) against a scripted server, on one
 * keep-alive connection, so any byte too many or too few would shift every later exchange.
 */
class HttpFaultProxyFramingTest {
  /** One request as the client sends it and the response the server answers with. */
  private record Exchange(String request, String response) {}

  private static final List<Exchange> SCRIPT =
      List.of(
          new Exchange(
              "GET /chunked HTTP/1.1\r\nHost: x\r\n\r\n",
              "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\n"
                  + "X-Checksum: 42\r\n\r\n"),
          new Exchange(
              "HEAD /head HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"),
          new Exchange("DELETE /gone HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 204 No Content\r\n\r\n"),
          new Exchange(
              "GET /same HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"v1\"\r\n\r\n",
              "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nContent-Length: 99\r\n\r\n"),
          new Exchange(
              "POST /chunked-request HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                  + "3\r\nabc\r\nA;note=ten\r\n0123456789\r\n0\r\nX-Sum: 13\r\n\r\n",
              "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                  + "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"),
          new Exchange(
              "PUT /fixed HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n{\"a\":\"b\"}\r\n",
              "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
          new Exchange(
              "GET /until-close HTTP/1.1\r\nHost: x\r\n\r\n",
              "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nno length: the end of the connection ends me"));

  @Test
  void exchangesOneAfterTheOtherArriveByteForByte() throws Exception {
    try (ScriptedServer server = new ScriptedServer();
        HttpFaultProxy proxy = HttpFaultProxy.start("127.0.0.1", server.port(), FaultPlan.none());
        Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
      client.setSoTimeout(5000);
      InputStream in = client.getInputStream();
      for (int i = 0; i < SCRIPT.size() - 1; i++) {
        client.getOutputStream().write(bytes(SCRIPT.get(i).request()));
        String expected = SCRIPT.get(i).response();
        assertThat(new String(in.readNBytes(expected.length()), StandardCharsets.ISO_8859_1)).isEqualTo(expected);
      }
      Exchange last = SCRIPT.get(SCRIPT.size() - 1);
      client.getOutputStream().write(bytes(last.request()));
      // Without a length the response ends with the connection, which the proxy closes after it.
      assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)).isEqualTo(last.response());

      assertThat(server.received()).isEqualTo(allRequests());
      assertThat(proxy.counts()).isEqualTo(new FaultCounts(1, SCRIPT.size(), 0, 0, 0));
    }
  }

  @Test
  void pipelinedExchangesArriveByteForByteInOrder() throws Exception {
    try (ScriptedServer server = new ScriptedServer();
        HttpFaultProxy proxy = HttpFaultProxy.start("127.0.0.1", server.port(), FaultPlan.none());
        Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
      client.setSoTimeout(5000);
      client.getOutputStream().write(bytes(allRequests()));

      StringBuilder responses = new StringBuilder();
      SCRIPT.forEach(exchange -> responses.append(exchange.response()));
      assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
          .isEqualTo(responses.toString());
      assertThat(server.received()).isEqualTo(allRequests());
    }
  }

  @Test
  void proxy503sTakeTheirPlaceAmongPipelinedResponsesAndKeepTheBodyFramingIntact() throws Exception {
    try (ScriptedServer server = new ScriptedServer();
        HttpFaultProxy proxy = HttpFaultProxy.start("127.0.0.1", server.port(), new FaultPlan(0, 0, 0, 0, 1, 1));
        Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
      client.setSoTimeout(5000);
      // Answered by the proxy, never forwarded: its chunked body with trailers must be read away exactly.
      client.getOutputStream().write(bytes(SCRIPT.get(4).request() + SCRIPT.get(1).request()));
      InputStream in = client.getInputStream();
      String first = head(in);
      assertThat(first).startsWith("HTTP/1.1 503 Service Unavailable\r\n").doesNotContain("connection: close");
      int length = Integer.parseInt(first.replaceAll("(?s).*content-length: (\\d+).*", "$1"));
      assertThat(new String(in.readNBytes(length), StandardCharsets.UTF_8))
          .isEqualTo(
              "{\"error\":{\"root_cause\":[{\"type\":\"fault_injection_exception\",\"reason\":\"injected by"
                  + " FaultProxy\"}],\"type\":\"fault_injection_exception\",\"reason\":\"injected by FaultProxy\"},"
                  + "\"status\":503}");
      // The answer to HEAD has the same head and no body: the next bytes would be a new response.
      assertThat(head(in)).startsWith("HTTP/1.1 503 Service Unavailable\r\n").contains("content-length: " + length);

      proxy.plan(FaultPlan.none());
      client.getOutputStream().write(bytes(SCRIPT.get(0).request()));
      String expected = SCRIPT.get(0).response();
      assertThat(new String(in.readNBytes(expected.length()), StandardCharsets.ISO_8859_1)).isEqualTo(expected);
      assertThat(proxy.counts()).isEqualTo(new FaultCounts(1, 1, 0, 0, 2));
    }
  }

  private static String allRequests() {
    StringBuilder requests = new StringBuilder();
    SCRIPT.forEach(exchange -> requests.append(exchange.request()));
    return requests.toString();
  }

  private static String head(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection ended inside a head: " + head);
      }
      head.write(b);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * Plays {@link #SCRIPT} on one connection: reads exactly the bytes of each request (never parsing them: the proxy
   * must deliver them unchanged) and writes the scripted response; closes after the last one.
   */
  private static final class ScriptedServer implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    private final CompletableFuture<String> received = new CompletableFuture<>();

    ScriptedServer() throws IOException {
      Thread thread = new Thread(this::play, "scripted-http-server");
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return server.getLocalPort();
    }

    /** Every byte the server read, once it has played the whole script. */
    String received() throws Exception {
      return received.get(5, TimeUnit.SECONDS);
    }

    private void play() {
      try (Socket socket = server.accept()) {
        socket.setSoTimeout(5000);
        StringBuilder seen = new StringBuilder();
        for (Exchange exchange : SCRIPT) {
          seen.append(new String(socket.getInputStream().readNBytes(exchange.request().length()), StandardCharsets.ISO_8859_1));
          socket.getOutputStream().write(bytes(exchange.response()));
        }
        received.complete(seen.toString());
      } catch (IOException e) {
        received.completeExceptionally(e);
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
