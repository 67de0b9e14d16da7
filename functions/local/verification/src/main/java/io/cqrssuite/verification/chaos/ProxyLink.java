package io.cqrssuite.verification.chaos;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * One proxied connection: the client's socket and the upstream socket opened for it. It ends in one of two ways,
 * once: closed (FIN, as a server or client that finished would) or aborted (RST on both sides, as a NAT gateway
 * dropping the flow or a failed-over database would).
 */
final class ProxyLink {
  private final Socket client;
  private final Socket upstream;
  private final long ordinal;
  private final Consumer<ProxyLink> onEnd;
  private boolean ended;
  private int directionsDone;

  ProxyLink(Socket client, Socket upstream, long ordinal, Consumer<ProxyLink> onEnd) {
    this.client = client;
    this.upstream = upstream;
    this.ordinal = ordinal;
    this.onEnd = onEnd;
  }

  Socket client() {
    return client;
  }

  Socket upstream() {
    return upstream;
  }

  /**
   * The draws of one pump of this connection: seeded by the plan's seed, the connection's ordinal and the pump, so
   * the same plan replays the same faults on the same connection whatever the threads' timing.
   */
  SplittableRandom random(long seed, int pump) {
    return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + ordinal * 31 + pump);
  }

  /** Resets both sides: linger 0 turns close into an RST, so each peer sees "connection reset", not an end. */
  void abort() {
    if (!end()) {
      return;
    }
    reset(client);
    reset(upstream);
    onEnd.accept(this);
  }

  /** Closes both sides the polite way (FIN), after whatever was written has been flushed by the caller. */
  void close() {
    if (!end()) {
      return;
    }
    closeQuietly(client);
    closeQuietly(upstream);
    onEnd.accept(this);
  }

  /**
   * One direction reached its end of stream: passes the FIN on ({@code towardServer}: the client finished sending),
   * and closes the link once both directions have.
   */
  void halfClosed(boolean towardServer) {
    try {
      (towardServer ? upstream : client).shutdownOutput();
    } catch (IOException e) {
      // The socket is already gone; the other pump will notice and end the link.
    }
    boolean both;
    synchronized (this) {
      both = ++directionsDone == 2;
    }
    if (both) {
      close();
    }
  }

  synchronized boolean ended() {
    return ended;
  }

  private synchronized boolean end() {
    if (ended) {
      return false;
    }
    ended = true;
    return true;
  }

  private static void reset(Socket socket) {
    try {
      socket.setSoLinger(true, 0);
    } catch (SocketException e) {
      // Already closed: nothing left to reset.
    }
    closeQuietly(socket);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Closing is best effort; the socket is unusable either way.
    }
  }
}
