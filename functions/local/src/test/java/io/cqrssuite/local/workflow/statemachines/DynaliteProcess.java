package io.cqrssuite.local.workflow.statemachines;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * DynamoDB's wire protocol for the state machine tests: npm {@code dynalite} ({@code SUITE_DYNALITE_CLI}, else what
 * {@code ./suite test} installs under {@code .suite/node}) as a child process on a free loopback port.
 */
final class DynaliteProcess implements AutoCloseable {
  private static final Duration STARTUP = Duration.ofSeconds(20);
  private final Process process;
  private final int port;

  private DynaliteProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static DynaliteProcess start() throws IOException {
    String configured = System.getenv("SUITE_DYNALITE_CLI");
    Path cli = configured != null && !configured.isBlank()
        ? Path.of(configured)
        : Path.of("..", "..", ".suite", "node", "node_modules", "dynalite", "cli.js");
    if (!Files.isRegularFile(cli)) {
      return fail("dynalite not found at %s: run ./suite test, which installs it, or set SUITE_DYNALITE_CLI", cli.toAbsolutePath().normalize());
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Process process = new ProcessBuilder("node", cli.toString(), "--host", "127.0.0.1", "--port", Integer.toString(port), "--createTableMs", "0")
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    DynaliteProcess dynalite = new DynaliteProcess(process, port);
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (!dynalite.accepts()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        dynalite.close();
        return fail("dynalite did not listen on port %d within %s", port, STARTUP);
      }
      Thread.onSpinWait();
    }
    return dynalite;
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** A loopback URL nothing listens on: a store that is down, for a function that must fail transiently. */
  static String unreachableEndpoint() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "http://127.0.0.1:" + socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean accepts() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }
}
