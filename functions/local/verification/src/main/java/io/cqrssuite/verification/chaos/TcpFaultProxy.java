package io.cqrssuite.verification.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.SplittableRandom;

/**
 * A TCP relay that breaks connections the way a VPC does to a Lambda function talking to RDS: a failover or a NAT
 * gateway resetting the flow before a statement reached the database, or after the database committed it but
 * before the answer came back, and stalls of a congested path. It knows nothing of the protocol (PostgreSQL here):
 * each chunk read is a unit, bytes toward the server may be reset ({@code resetBefore}) or held back
 * ({@code stall}), bytes back to the client may be reset ({@code resetAfter}). A reset is a real RST on both
 * sides, so the driver and the server see a broken connection, not an orderly end.
 *
 * <p>Each client connection gets its own upstream connection and two pump threads. The plan can be switched at any
 * time ({@link #plan(FaultPlan)}); the next chunk follows the new one.
 */
public final class TcpFaultProxy implements AutoCloseable {
  private static final int CHUNK = 16 * 1024;
  private static final int TOWARD_SERVER = 0;
  private static final int TOWARD_CLIENT = 1;

  private final ProxyListener listener;

  private TcpFaultProxy(String upstreamHost, int upstreamPort, FaultPlan plan) {
    this.listener = ProxyListener.start("tcp-fault-proxy", upstreamHost, upstreamPort, plan, this::relay);
  }

  /** Listens on a free loopback port ({@link #port()}) and relays each connection to the upstream. */
  public static TcpFaultProxy start(String upstreamHost, int upstreamPort, FaultPlan plan) {
    return new TcpFaultProxy(upstreamHost, upstreamPort, plan);
  }

  /** The loopback port clients connect to instead of the upstream's. */
  public int port() {
    return listener.port();
  }

  /** The plan in force. */
  public FaultPlan plan() {
    return listener.plan();
  }

  /** Switches the plan for every chunk read from now on, on live connections too (an outage window starts). */
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
      fromClient = link.client().getInputStream();
      toClient = link.client().getOutputStream();
      fromServer = link.upstream().getInputStream();
      toServer = link.upstream().getOutputStream();
    } catch (IOException e) {
      link.abort();
      return;
    }
    long seed = listener.plan().seed();
    SplittableRandom backRandom = link.random(seed, TOWARD_CLIENT);
    listener.execute(link, () -> pump(link, fromServer, toClient, false, backRandom));
    pump(link, fromClient, toServer, true, link.random(seed, TOWARD_SERVER));
  }

  private void pump(ProxyLink link, InputStream in, OutputStream out, boolean towardServer, SplittableRandom random) {
    byte[] buffer = new byte[CHUNK];
    try {
      int read;
      while ((read = in.read(buffer)) >= 0) {
        if (read == 0) {
          continue;
        }
        FaultPlan plan = listener.plan();
        FaultAction action = towardServer ? plan.forClientBytes(random) : plan.forServerBytes(random);
        if (action == FaultAction.RESET_BEFORE || action == FaultAction.RESET_AFTER) {
          listener.countReset();
          link.abort();
          return;
        }
        if (action == FaultAction.STALL) {
          listener.countStall();
          Thread.sleep(plan.stallMillis(random));
        }
        listener.countForwarded();
        out.write(buffer, 0, read);
      }
      link.halfClosed(towardServer);
    } catch (IOException e) {
      // One side broke (or the other pump reset the link): break the other side too, as a lost flow would.
      link.abort();
    } catch (InterruptedException e) {
      link.abort();
      Thread.currentThread().interrupt();
    }
  }
}
