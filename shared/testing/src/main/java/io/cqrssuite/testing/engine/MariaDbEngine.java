package io.cqrssuite.testing.engine;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * MariaDB (the MySQL dialect) from Debian's {@code mariadb-server} package, run as a separate process of this JVM
 * with its own temporary data directory, socket and free loopback port, never as the system service. Its data is
 * thrown away on {@link #close()} (and at JVM exit, should close not be called). Durability is relaxed
 * ({@code innodb_flush_log_at_trx_commit=2}): nothing here needs to survive a crash.
 */
public final class MariaDbEngine implements SqlEngine {
  private static final Duration INSTALL_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
  private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final List<Path> SEARCHED = List.of(Path.of("/usr/sbin"), Path.of("/usr/bin"), Path.of("/usr/local/bin"));

  private final Path directory;
  private final Process server;
  private final int port;
  private final Thread cleanup;

  private MariaDbEngine(Path directory, Process server, int port) {
    this.directory = directory;
    this.server = server;
    this.port = port;
    this.cleanup = new Thread(this::stop, "mariadb-engine-stop");
  }

  /**
   * Initialises a data directory ({@code mariadb-install-db}, about 2 s), starts {@code mariadbd} and waits until
   * it accepts a JDBC connection, then creates the {@code suite} database.
   *
   * @throws IllegalStateException when the binaries are missing ("install mariadb-server") or the server does
   *     not come up in time (with the tail of its error log)
   */
  public static MariaDbEngine start() {
    Path mariadbd = binary("mariadbd");
    Path installDb = binary("mariadb-install-db");
    Path directory;
    try {
      directory = Files.createTempDirectory("suite-mariadb-");
    } catch (IOException e) {
      throw new UncheckedIOException("could not create a data directory for MariaDB", e);
    }
    boolean root = "root".equals(System.getProperty("user.name"));
    Path data = directory.resolve("data");
    List<String> install = new ArrayList<>(List.of(
        installDb.toString(), "--no-defaults", "--datadir=" + data, "--auth-root-authentication-method=normal",
        "--skip-test-db", "--skip-name-resolve"));
    if (root) {
      install.add("--user=root");
    }
    run(install, directory.resolve("install.log"), directory);

    int port = freePort();
    List<String> command = new ArrayList<>(List.of(
        mariadbd.toString(), "--no-defaults",
        "--datadir=" + data,
        "--socket=" + directory.resolve("mariadbd.sock"),
        "--pid-file=" + directory.resolve("mariadbd.pid"),
        "--log-error=" + directory.resolve("error.log"),
        "--port=" + port,
        "--bind-address=127.0.0.1",
        "--skip-name-resolve",
        "--skip-log-bin",
        "--innodb-buffer-pool-size=64M",
        "--innodb-flush-log-at-trx-commit=2",
        "--character-set-server=utf8mb4",
        "--collation-server=utf8mb4_unicode_ci"));
    if (root) {
      command.add("--user=root");
    }
    Process server;
    try {
      server =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(directory.resolve("server.out").toFile())
              .start();
    } catch (IOException e) {
      deleteQuietly(directory);
      throw new UncheckedIOException("could not start " + mariadbd + ": " + e.getMessage(), e);
    }
    MariaDbEngine engine = new MariaDbEngine(directory, server, port);
    Runtime.getRuntime().addShutdownHook(engine.cleanup);
    try {
      engine.awaitConnections();
      engine.createDatabase("suite");
    } catch (RuntimeException | SQLException e) {
      String log = engine.errorLogTail();
      engine.close();
      throw new IllegalStateException("MariaDB did not start: " + e.getMessage() + "\n" + log, e);
    }
    return engine;
  }

  @Override
  public String name() {
    return "mariadb";
  }

  @Override
  public String jdbcUrl() {
    return urlOf("suite");
  }

  @Override
  public String user() {
    return "root";
  }

  @Override
  public String password() {
    return "";
  }

  public int port() {
    return port;
  }

  @Override
  public String createDatabase(String database) throws SQLException {
    if (!DATABASE_NAME.matcher(database).matches()) {
      throw new IllegalArgumentException("database name '" + database + "' must match " + DATABASE_NAME.pattern());
    }
    try (Connection connection = DriverManager.getConnection(urlOf(""), user(), password());
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + database + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    }
    return urlOf(database);
  }

  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException shuttingDown) {
      // Called from the hook itself or during shutdown: the hook runs (or ran) stop() anyway.
    }
  }

  private synchronized void stop() {
    if (server.isAlive()) {
      server.destroy();
      try {
        if (!server.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          server.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        server.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    deleteQuietly(directory);
  }

  private String urlOf(String database) {
    return "jdbc:mariadb://127.0.0.1:" + port + "/" + database;
  }

  /** Polls with a JDBC connect until the server answers, it exits, or the deadline passes. */
  private void awaitConnections() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    SQLException last = null;
    while (System.nanoTime() < deadline) {
      try (Connection connection = DriverManager.getConnection(urlOf("") + "?connectTimeout=1000", user(), password())) {
        if (connection.isValid(1)) {
          return;
        }
      } catch (SQLException e) {
        last = e;
      }
      try {
        // Waiting on the process, not sleeping: a server that dies ends the wait at once.
        if (server.waitFor(50, TimeUnit.MILLISECONDS)) {
          throw new IllegalStateException("mariadbd exited with code " + server.exitValue());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for mariadbd", e);
      }
    }
    throw new IllegalStateException(
        "mariadbd did not accept connections on port " + port + " within " + START_TIMEOUT.toSeconds() + " s"
            + (last == null ? "" : ": " + last.getMessage()));
  }

  private String errorLogTail() {
    Path log = directory.resolve("error.log");
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return "error log tail:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "(no error log at " + log + ")";
    }
  }

  private static Path binary(String name) {
    List<Path> candidates = new ArrayList<>();
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
    for (String entry : path.split(File.pathSeparator)) {
      if (!entry.isEmpty()) {
        candidates.add(Path.of(entry));
      }
    }
    candidates.addAll(SEARCHED);
    return candidates.stream()
        .map(dir -> dir.resolve(name))
        .filter(Files::isExecutable)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    name + " not found in PATH or " + SEARCHED
                        + ": install mariadb-server (Debian/Ubuntu: apt-get install mariadb-server; ./suite test does"
                        + " this when run as root)"));
  }

  private static void run(List<String> command, Path log, Path directory) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!process.waitFor(INSTALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(command.get(0) + " did not finish within " + INSTALL_TIMEOUT.toSeconds() + " s");
      }
      if (process.exitValue() != 0) {
        String output = Files.readString(log, StandardCharsets.UTF_8);
        throw new IllegalStateException(command.get(0) + " failed with exit code " + process.exitValue() + ":\n" + output);
      }
    } catch (IOException e) {
      deleteQuietly(directory);
      throw new UncheckedIOException("could not run " + command.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      deleteQuietly(directory);
      throw new IllegalStateException("interrupted while running " + command.get(0), e);
    } catch (IllegalStateException e) {
      deleteQuietly(directory);
      throw e;
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port for MariaDB", e);
    }
  }

  private static void deleteQuietly(Path directory) {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException ignored) {
      // A leftover temporary directory is harmless; failing the caller over it is not.
    }
  }
}
