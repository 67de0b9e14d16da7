package io.cqrssuite.verification.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay in front of an engine that counts what crosses it, so the bench's cost figures are counted on the
 * wire, not estimated: round trips (each time the client speaks again after the server answered) and, for
 * PostgreSQL, the statements the client sends (extended-protocol {@code Execute} and simple-protocol {@code Query}
 * messages, read from the message framing). For HTTP/1.1 without pipelining a round trip is a request.
 */
final class WireCounter implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress target;
  private final boolean postgres;
  private final AtomicLong roundTrips = new AtomicLong();
  private final AtomicLong statements = new AtomicLong();
  private final Thread acceptor;

  private WireCounter(InetSocketAddress target, boolean postgres) throws IOException {
    this.target = target;
    this.postgres = postgres;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::accept, "wire-counter");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  static WireCounter postgres(String host, int port) throws IOException {
    return new WireCounter(new InetSocketAddress(host, port), true);
  }

  static WireCounter http(String host, int port) throws IOException {
    return new WireCounter(new InetSocketAddress(host, port), false);
  }

  int port() {
    return server.getLocalPort();
  }

  long roundTrips() {
    return roundTrips.get();
  }

  long statements() {
    return statements.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(target.getAddress(), target.getPort());
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        Turns turns = new Turns();
        relay(client.getInputStream(), upstream.getOutputStream(), turns, true, client, upstream);
        relay(upstream.getInputStream(), client.getOutputStream(), turns, false, client, upstream);
      } catch (IOException e) {
        return;
      }
    }
  }

  /** Whose turn it is on one connection: a round trip starts when the client speaks after the server did. */
  private final class Turns {
    private boolean serverSpokeLast = true;

    synchronized void spoke(boolean client) {
      if (client && serverSpokeLast) {
        roundTrips.incrementAndGet();
      }
      serverSpokeLast = !client;
    }
  }

  private void relay(InputStream in, OutputStream out, Turns turns, boolean fromClient, Socket a, Socket b) {
    Thread thread =
        new Thread(
            () -> {
              PostgresFraming framing = postgres && fromClient ? new PostgresFraming() : null;
              byte[] buffer = new byte[65536];
              try {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                  turns.spoke(fromClient);
                  if (framing != null) {
                    statements.addAndGet(framing.statements(buffer, read));
                  }
                  out.write(buffer, 0, read);
                  out.flush();
                }
              } catch (IOException e) {
                // One side closed: close both.
              } finally {
                closeQuietly(a);
                closeQuietly(b);
              }
            },
            "wire-counter-relay");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Reads the frontend message stream: untyped start-up messages (an SSL or GSS request, then the startup message)
   * until the startup message, then {@code type, int32 length} frames. Counts {@code 'E'} and {@code 'Q'}.
   */
  private static final class PostgresFraming {
    private static final int PROTOCOL_3 = 196608;
    /** Past the untyped start-up messages (int32 length, int32 code): the startup message's code is the protocol. */
    private boolean started;
    private final byte[] header = new byte[8];
    private int headerBytes;
    private long remaining;

    long statements(byte[] data, int length) {
      long count = 0;
      int i = 0;
      while (i < length) {
        if (remaining > 0) {
          int skip = (int) Math.min(remaining, length - i);
          remaining -= skip;
          i += skip;
          continue;
        }
        header[headerBytes++] = data[i++];
        if (headerBytes < (started ? 5 : 8)) {
          continue;
        }
        headerBytes = 0;
        if (started) {
          if (header[0] == 'E' || header[0] == 'Q') {
            count++;
          }
          remaining = int32(header, 1) - 4L;
        } else {
          started = int32(header, 4) == PROTOCOL_3;
          remaining = int32(header, 0) - 8L;
        }
      }
      return count;
    }

    private static int int32(byte[] b, int at) {
      return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Already closed.
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
