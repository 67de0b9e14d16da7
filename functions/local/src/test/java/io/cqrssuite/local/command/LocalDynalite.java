package io.cqrssuite.local.command;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * A real DynamoDB wire protocol for the command-side engine tests: npm {@code dynalite} (what {@code ./suite test}
 * installs under {@code .suite/node}, or {@code SUITE_DYNALITE_CLI}) as a child process on a free port. The shared
 * module's test twin is not on this module's classpath.
 */
final class LocalDynalite implements AutoCloseable {
  private static final Duration STARTUP = Duration.ofSeconds(20);
  private final Process process;
  private final int port;

  private LocalDynalite(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static LocalDynalite start() throws IOException {
    String configured = System.getenv("SUITE_DYNALITE_CLI");
    Path cli = configured != null && !configured.isBlank()
        ? Path.of(configured)
        : Path.of("..", "..", ".suite", "node", "node_modules", "dynalite", "cli.js");
    if (!Files.isRegularFile(cli)) {
      return fail("dynalite not found at %s: run ./suite test, which installs it, or set SUITE_DYNALITE_CLI", cli.toAbsolutePath().normalize());
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Process process = new ProcessBuilder("node", cli.toString(), "--host", "127.0.0.1", "--port", Integer.toString(port), "--createTableMs", "0")
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    LocalDynalite dynalite = new LocalDynalite(process, port);
    Instant deadline = Instant.now().plus(STARTUP);
    while (!dynalite.accepts()) {
      if (!process.isAlive() || Instant.now().isAfter(deadline)) {
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
