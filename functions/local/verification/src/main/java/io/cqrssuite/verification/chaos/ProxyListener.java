package io.cqrssuite.verification.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The part both fault proxies share: a loopback listener, one upstream connection per accepted client, the threads
 * (daemon, from a cached pool: Java 17 has no virtual threads), the plan in force and the counts. What happens on a
 * link is up to the proxy's {@link LinkHandler}.
 */
final class ProxyListener implements AutoCloseable {
  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

  /** Relays one link until it ends; runs on a pool thread, may start more tasks with {@link #execute}. */
  interface LinkHandler {
    void handle(ProxyLink link);
  }

  private final String upstreamHost;
  private final int upstreamPort;
  private final ServerSocket server;
  private final ExecutorService threads;
  private final Set<ProxyLink> live = ConcurrentHashMap.newKeySet();
  private final AtomicLong connections = new AtomicLong();
  private final LongAdder forwarded = new LongAdder();
  private final LongAdder resets = new LongAdder();
  private final LongAdder stalls = new LongAdder();
  private final LongAdder errors503 = new LongAdder();
  private volatile FaultPlan plan;
  private volatile boolean closed;

  private ProxyListener(String name, String upstreamHost, int upstreamPort, FaultPlan plan, ServerSocket server) {
    this.upstreamHost = upstreamHost;
    this.upstreamPort = upstreamPort;
    this.plan = plan;
    this.server = server;
    this.threads = Executors.newCachedThreadPool(daemons(name + "-" + server.getLocalPort()));
  }

  /** Listens on a free loopback port and starts accepting; {@code handler} relays each accepted link. */
  static ProxyListener start(String name, String upstreamHost, int upstreamPort, FaultPlan plan, LinkHandler handler) {
    if (plan == null) {
      throw new IllegalArgumentException("a fault proxy needs a plan: FaultPlan.none() for no faults");
    }
    ServerSocket server;
    try {
      server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port for the " + name, e);
    }
    ProxyListener listener = new ProxyListener(name, upstreamHost, upstreamPort, plan, server);
    listener.threads.execute(() -> listener.accept(handler));
    return listener;
  }

  int port() {
    return server.getLocalPort();
  }

  FaultPlan plan() {
    return plan;
  }

  void plan(FaultPlan next) {
    if (next == null) {
      throw new IllegalArgumentException("a fault proxy needs a plan: FaultPlan.none() for no faults");
    }
    plan = next;
  }

  FaultCounts counts() {
    return new FaultCounts(connections.get(), forwarded.sum(), resets.sum(), stalls.sum(), errors503.sum());
  }

  int liveLinks() {
    return live.size();
  }

  void countForwarded() {
    forwarded.increment();
  }

  void countReset() {
    resets.increment();
  }

  void countStall() {
    stalls.increment();
  }

  void count503() {
    errors503.increment();
  }

  /** Runs a further task of a link (its second pump); a closed proxy refuses, and the link is reset. */
  void execute(ProxyLink link, Runnable task) {
    try {
      threads.execute(task);
    } catch (RejectedExecutionException e) {
      link.abort();
    }
  }

  private void accept(LinkHandler handler) {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed: the listener is done
      }
      long ordinal = connections.incrementAndGet();
      try {
        threads.execute(() -> connect(client, ordinal, handler));
      } catch (RejectedExecutionException e) {
        ProxyLink refused = new ProxyLink(client, new Socket(), ordinal, live::remove);
        refused.abort();
      }
    }
  }

  private void connect(Socket client, long ordinal, LinkHandler handler) {
    Socket upstream = new Socket();
    ProxyLink link = new ProxyLink(client, upstream, ordinal, live::remove);
    live.add(link);
    if (closed) {
      link.abort(); // close() may have swept the live links just before this one joined them
      return;
    }
    try {
      client.setTcpNoDelay(true);
      upstream.setTcpNoDelay(true);
      upstream.connect(new InetSocketAddress(upstreamHost, upstreamPort), CONNECT_TIMEOUT_MILLIS);
    } catch (IOException e) {
      // An unreachable upstream looks to the client like a reset, as it would through a NAT.
      link.abort();
      return;
    }
    handler.handle(link);
  }

  /** Stops accepting, resets every live link and stops the threads; a second call does nothing. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // The port is released either way.
    }
    for (ProxyLink link : live) {
      link.abort();
    }
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory daemons(String prefix) {
    AtomicLong number = new AtomicLong();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + number.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
