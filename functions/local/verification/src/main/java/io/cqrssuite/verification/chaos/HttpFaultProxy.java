package io.cqrssuite.verification.chaos;

import io.cqrssuite.verification.chaos.HttpProxyFraming.Body;
import io.cqrssuite.verification.chaos.HttpProxyFraming.Head;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * An HTTP/1.1 relay that fails requests the way a Lambda function meets them on its way to OpenSearch in a VPC:
 * a domain answering 503 under load, a NAT gateway resetting the connection before the request left or after
 * OpenSearch did the work but before the answer came back (the write happened, the client saw an error), and
 * slow paths. Each request on a keep-alive connection gets its own draw from the plan in force when its head
 * arrives, so a plan switch ({@link #plan(FaultPlan)}) takes effect on the next request of a live connection.
 *
 * <p>Messages are framed per RFC 9112 (Content-Length, chunked with trailers, bodiless responses to HEAD and of
 * 1xx/204/304, read-until-close) and relayed byte for byte. A 503 of the proxy's own looks like OpenSearch's and
 * keeps the connection alive. A reset is a real RST on both sides. Each connection has one upstream connection
 * and two threads (requests up, responses down), so pipelined requests and {@code Expect: 100-continue} work.
 * Protocol upgrades (101) are not relayed: such a connection is reset. The {@code Host} header goes through as the
 * client wrote it, which suits a local node (a SigV4 signature covers it, so signed requests would need signing for
 * the proxy's address).
 */
public final class HttpFaultProxy implements AutoCloseable {
  private static final int REQUEST_PUMP = 2;
  private static final int BUFFER = 64 * 1024;

  private final ProxyListener listener;

  /** One request's place in the connection's order of responses, and what the plan decided for it. */
  private record Exchange(String method, FaultAction action, boolean closeAfter) {
    static final Exchange END = new Exchange("", FaultAction.FORWARD, true);
  }

  private HttpFaultProxy(String upstreamHost, int upstreamPort, FaultPlan plan) {
    this.listener = ProxyListener.start("http-fault-proxy", upstreamHost, upstreamPort, plan, this::relay);
  }

  /** Listens on a free loopback port ({@link #port()}) and relays each connection to the upstream. */
  public static HttpFaultProxy start(String upstreamHost, int upstreamPort, FaultPlan plan) {
    return new HttpFaultProxy(upstreamHost, upstreamPort, plan);
  }

  /** The loopback port clients connect to instead of the upstream's. */
  public int port() {
    return listener.port();
  }

  /** The plan in force. */
  public FaultPlan plan() {
    return listener.plan();
  }

  /** Switches the plan for every request whose head arrives from now on, on live connections too. */
  public void plan(FaultPlan plan) {
    listener.plan(plan);
  }

  public FaultCounts counts() {
    return listener.counts();
  }

  /** Connections accepted and not yet ended (for tests: nothing may stay open after the clients left). */
  int liveConnections() {
    return listener.liveLinks();
  }

  /** Stops accepting and resets every live connection. */
  @Override
  public void close() {
    listener.close();
  }

  private void relay(ProxyLink link) {
    InputStream fromClient;
    OutputStream toClient;
    InputStream fromServer;
    OutputStream toServer;
    try {
      fromClient = new BufferedInputStream(link.client().getInputStream(), BUFFER);
      toClient = new BufferedOutputStream(link.client().getOutputStream(), BUFFER);
      fromServer = new BufferedInputStream(link.upstream().getInputStream(), BUFFER);
      toServer = new BufferedOutputStream(link.upstream().getOutputStream(), BUFFER);
    } catch (IOException e) {
      link.abort();
      return;
    }
    BlockingQueue<Exchange> exchanges = new LinkedBlockingQueue<>();
    listener.execute(link, () -> relayResponses(link, exchanges, fromServer, toClient));
    relayRequests(link, exchanges, fromClient, toServer, link.random(listener.plan().seed(), REQUEST_PUMP));
  }

  /** Reads each request, draws its fate, and forwards it (or not); the response side learns of it in order. */
  private void relayRequests(
      ProxyLink link, BlockingQueue<Exchange> exchanges, InputStream in, OutputStream out, SplittableRandom random) {
    try {
      Head request;
      while ((request = HttpProxyFraming.readHead(in)) != null) {
        Body body = HttpProxyFraming.requestBody(request);
        boolean closes = request.closes(request.requestVersion());
        FaultPlan plan = listener.plan();
        FaultAction action = plan.forRequest(random);
        switch (action) {
          case RESET_BEFORE -> {
            listener.countReset();
            link.abort();
            return;
          }
          case ERROR_503 -> {
            // With Expect: 100-continue the body may never come: answer like a server that will not read it.
            boolean awaitsContinue = body != Body.NONE && request.hasToken("Expect", "100-continue");
            listener.count503();
            exchanges.add(new Exchange(request.method(), action, closes || awaitsContinue));
            if (awaitsContinue) {
              return;
            }
            HttpProxyFraming.copyBody(body, request, in, null);
            if (closes) {
              return;
            }
            continue;
          }
          case STALL -> {
            listener.countStall();
            Thread.sleep(plan.stallMillis(random));
          }
          default -> {}
        }
        exchanges.add(new Exchange(request.method(), action, closes));
        out.write(request.raw());
        if (request.hasToken("Expect", "100-continue")) {
          out.flush(); // the client holds its body back until the server's 100 Continue, which needs the head
        }
        HttpProxyFraming.copyBody(body, request, in, out);
        out.flush();
      }
      // The client finished sending: pass the end on, the server may still be answering.
      link.upstream().shutdownOutput();
    } catch (IOException e) {
      link.abort();
    } catch (InterruptedException e) {
      link.abort();
      Thread.currentThread().interrupt();
    } finally {
      exchanges.add(Exchange.END);
    }
  }

  /** Relays the responses in request order, writes the proxy's own 503s in their place, resets where drawn. */
  private void relayResponses(ProxyLink link, BlockingQueue<Exchange> exchanges, InputStream in, OutputStream out) {
    try {
      while (true) {
        Exchange exchange = exchanges.take();
        if (exchange == Exchange.END) {
          out.flush();
          link.close();
          return;
        }
        if (exchange.action() == FaultAction.ERROR_503) {
          out.write(serviceUnavailable(exchange));
          out.flush();
          if (exchange.closeAfter()) {
            link.close();
            return;
          }
          continue;
        }
        Head response = HttpProxyFraming.readHead(in);
        int status;
        while (true) {
          if (response == null) {
            // The server closed without answering: so does the proxy, toward the client.
            out.flush();
            link.close();
            return;
          }
          status = response.status();
          if (status == 101) {
            link.abort();
            return;
          }
          if (status >= 200) {
            break;
          }
          // An interim response (100 Continue, 103 Early Hints): the client may be waiting for it.
          out.write(response.raw());
          out.flush();
          response = HttpProxyFraming.readHead(in);
        }
        if (exchange.action() == FaultAction.RESET_AFTER) {
          // The server has answered, so it has done the work; the client never learns of it.
          listener.countReset();
          link.abort();
          return;
        }
        Body body = HttpProxyFraming.responseBody(exchange.method(), status, response);
        listener.countForwarded(); // before the first byte: the count is final when the client has its answer
        out.write(response.raw());
        HttpProxyFraming.copyBody(body, response, in, out);
        out.flush();
        String version = response.startLine().substring(0, response.startLine().indexOf(' '));
        if (body == Body.UNTIL_CLOSE || exchange.closeAfter() || response.closes(version)) {
          link.close();
          return;
        }
      }
    } catch (IOException e) {
      link.abort();
    } catch (InterruptedException e) {
      link.abort();
      Thread.currentThread().interrupt();
    }
  }

  /** A 503 shaped like OpenSearch's own error responses, so clients parse it as they would a real one. */
  private static byte[] serviceUnavailable(Exchange exchange) {
    byte[] body =
        ("{\"error\":{\"root_cause\":[{\"type\":\"fault_injection_exception\",\"reason\":\"injected by FaultProxy\"}],"
                + "\"type\":\"fault_injection_exception\",\"reason\":\"injected by FaultProxy\"},\"status\":503}")
            .getBytes(StandardCharsets.UTF_8);
    String head =
        "HTTP/1.1 503 Service Unavailable\r\n"
            + "content-type: application/json; charset=UTF-8\r\n"
            + "content-length: " + body.length + "\r\n"
            + (exchange.closeAfter() ? "connection: close\r\n" : "")
            + "\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
    if (exchange.method().equals("HEAD")) {
      return headBytes;
    }
    byte[] message = new byte[headBytes.length + body.length];
    System.arraycopy(headBytes, 0, message, 0, headBytes.length);
    System.arraycopy(body, 0, message, headBytes.length, body.length);
    return message;
  }
}
