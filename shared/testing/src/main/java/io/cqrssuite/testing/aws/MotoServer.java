package io.cqrssuite.testing.aws;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/**
 * moto's server ({@code moto[server]==5.2.1}, Python) as an {@link AwsEmulator}: a child process on a free loopback
 * port, one per test class, started in a second or two and killed at {@link #close()}. It needs no Docker, so its
 * tests run here and on CI; {@code ./suite test} installs it under {@code .suite/moto}.
 *
 * <p>Where it is not AWS (moto 5.2.1, as observed; docs/testing.md lists the evidence): S3 notifications have no
 * {@code sequencer}, {@code userIdentity}, {@code requestParameters} or {@code responseElements}, their
 * {@code eventTime} has no zone ({@code 2026-12-05T11:29:11.073931}) and the key is form-encoded with {@code /} as
 * {@code %2F}; a DynamoDB stream is one shard that never splits or closes; TTL is accepted and reported
 * {@code ENABLED} at once, but nothing expires; Step Functions only records executions until
 * {@link #enableStepFunctionsExecution()}, and its Lambda tasks need Docker.
 */
public final class MotoServer implements AwsEmulator {
  /** What to tell someone whose machine lacks it; a missing moto fails a test, as CI always has it. */
  public static final String INSTALL_HINT =
      "moto's server (a local AWS, Python) is needed: run ./suite test (it installs it), or python3 -m venv .suite/moto "
          + "&& .suite/moto/bin/pip install 'moto[server]==5.2.1', or set SUITE_MOTO_SERVER to a moto_server binary";

  static final String VENV_BINARY = ".suite/moto/bin/moto_server";
  private static final Duration STARTUP = Duration.ofSeconds(30);
  private static final AwsBasicCredentials CREDENTIALS = AwsBasicCredentials.create("test", "test");

  private final Process process;
  private final Path log;
  private final int port;
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
  private final CredentialProperties properties;

  private MotoServer(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
    this.properties = new CredentialProperties(CREDENTIALS);
  }

  /**
   * Starts moto's server found as {@link #command} says, and waits until it answers.
   *
   * @throws IllegalStateException with {@link #INSTALL_HINT} when it is not installed or does not start
   */
  public static MotoServer start() {
    return start(command(System.getenv(), Path.of("").toAbsolutePath()));
  }

  /** Starts {@code command} (a moto server's, without host and port) on a free port and waits until it answers. */
  static MotoServer start(List<String> command) {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port for moto_server", e);
    }
    List<String> arguments = new ArrayList<>(command);
    arguments.addAll(List.of("-H", "127.0.0.1", "-p", Integer.toString(port)));
    Path log;
    Process process;
    try {
      log = logFile(port);
      process = new ProcessBuilder(arguments).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new IllegalStateException(INSTALL_HINT + " (" + String.join(" ", command) + " did not start: " + e.getMessage() + ")", e);
    }
    MotoServer server = new MotoServer(process, log, port);
    try {
      server.awaitAnswer(command);
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /**
   * How to run moto's server: {@code SUITE_MOTO_SERVER}; else {@code .suite/moto/bin/moto_server} in the nearest
   * directory at or above {@code workingDirectory} that has one (where {@code ./suite test} installs it); else
   * {@code moto_server} on the {@code PATH}; else {@code python3 -m moto.server}, which fails at start when python3
   * has no moto.
   */
  static List<String> command(Map<String, String> env, Path workingDirectory) {
    String configured = env.get("SUITE_MOTO_SERVER");
    if (configured != null && !configured.isBlank()) {
      return List.of(configured);
    }
    for (Path dir = workingDirectory; dir != null; dir = dir.getParent()) {
      Path venv = dir.resolve(VENV_BINARY);
      if (Files.isExecutable(venv)) {
        return List.of(venv.toString());
      }
    }
    String path = env.getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "moto_server"))) {
        return List.of(Path.of(dir, "moto_server").toString());
      }
    }
    return List.of("python3", "-m", "moto.server");
  }

  private void awaitAnswer(List<String> command) {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (true) {
      try {
        if (get("/moto-api/").statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // refused or cut off while it starts: the deadline decides
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(INSTALL_HINT + " (" + String.join(" ", command) + " exited with status "
            + process.exitValue() + ": " + logTail() + ")");
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "moto_server did not answer on port " + port + " within " + STARTUP.toSeconds() + " s: " + logTail());
      }
      pause();
    }
  }

  /**
   * Lets Step Functions run what it starts (moto only records executions by default). Service integrations such as
   * {@code sqs:sendMessage.waitForTaskToken} then run in moto; Lambda tasks would need Docker.
   */
  public void enableStepFunctionsExecution() {
    HttpRequest request = HttpRequest.newBuilder(endpoint().resolve("/moto-api/config"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"stepfunctions\": {\"execute_state_machine\": true}}"))
        .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        throw new IllegalStateException("moto refused its config: " + response.statusCode() + " " + response.body());
      }
    } catch (IOException e) {
      throw new IllegalStateException("moto's config endpoint did not answer: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while configuring moto", e);
    }
  }

  private HttpResponse<Void> get(String path) throws IOException {
    try {
      return http.send(HttpRequest.newBuilder(endpoint().resolve(path)).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for moto_server", e);
    }
  }

  @Override
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  @Override
  public String region() {
    return "us-east-1";
  }

  @Override
  public AwsBasicCredentials credentials() {
    return CREDENTIALS;
  }

  @Override
  public String accountId() {
    return "123456789012";
  }

  /**
   * Where the server's output goes: under the build's {@code target/moto} when the working directory has a
   * {@code target} (a Maven test run), kept there because a 500 from moto is explained only by the Python traceback
   * in it; else a temporary file, deleted at close.
   */
  private static Path logFile(int port) throws IOException {
    Path target = Path.of("target");
    if (Files.isDirectory(target)) {
      return Files.createDirectories(target.resolve("moto")).resolve("moto-server-" + port + ".log");
    }
    return Files.createTempFile("moto-server-", ".log");
  }

  /** The server's output (one line per request), for a failure message. */
  private String logTail() {
    try {
      String text = Files.readString(log, StandardCharsets.UTF_8).strip();
      return text.isEmpty() ? "no output" : text.substring(Math.max(0, text.length() - 2_000));
    } catch (IOException e) {
      return "its output is unreadable: " + e.getMessage();
    }
  }

  @Override
  public void close() {
    properties.restore();
    // A launcher (a pyenv shim, a venv script) may leave moto in a child process of the one started.
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    try {
      if (log.startsWith(Path.of(System.getProperty("java.io.tmpdir")))) {
        Files.deleteIfExists(log);
      }
    } catch (IOException ignored) {
      // a temporary file; the OS cleans up
    }
  }

  /** Between polls of a starting server: short, so start-up is not padded. */
  private static void pause() {
    try {
      Thread.sleep(25);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for moto_server", e);
    }
  }
}
