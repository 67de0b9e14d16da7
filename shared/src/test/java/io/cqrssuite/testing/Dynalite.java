package io.cqrssuite.testing;

import static org.assertj.core.api.Assertions.fail;

import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * A real DynamoDB wire protocol for tests: npm {@code dynalite@4.0.0} (Node >= 20) as a child process on a free port,
 * stopped by {@link #close()}. {@code ./suite test} installs it under {@code .suite/node} at the repository root; set
 * {@code SUITE_DYNALITE_CLI} to use another copy. It has no Streams, transactions or {@code UpdateTimeToLive}.
 */
public final class Dynalite implements AutoCloseable {
  private static final Duration STARTUP = Duration.ofSeconds(20);

  private final Process process;
  private final int port;

  private Dynalite(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static Dynalite start() {
    Path cli = cli();
    int port = freePort();
    Process process;
    try {
      process = new ProcessBuilder("node", cli.toString(), "--host", "127.0.0.1", "--port", Integer.toString(port), "--createTableMs", "0")
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
    } catch (IOException e) {
      return fail("could not start dynalite with node (Node >= 20 must be on the PATH): %s", e.getMessage());
    }
    Dynalite dynalite = new Dynalite(process, port);
    Instant deadline = Instant.now().plus(STARTUP);
    while (!dynalite.accepts()) {
      if (!process.isAlive()) {
        return fail("dynalite exited with status %d before listening on port %d", process.exitValue(), port);
      }
      if (Instant.now().isAfter(deadline)) {
        dynalite.close();
        return fail("dynalite did not listen on port %d within %s", port, STARTUP);
      }
      Thread.onSpinWait();
    }
    return dynalite;
  }

  /**
   * Creates a table keyed by the string attribute {@code id} and polls until it is ACTIVE (the SDK waiter would
   * sleep 20 s after a first CREATING answer).
   */
  public static void createTable(DynamoDbClient client, String table) {
    client.createTable(r -> r.tableName(table)
        .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
        .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
        .billingMode(BillingMode.PAY_PER_REQUEST));
    Instant deadline = Instant.now().plus(STARTUP);
    while (client.describeTable(r -> r.tableName(table)).table().tableStatus() != TableStatus.ACTIVE) {
      if (Instant.now().isAfter(deadline)) {
        fail("table %s not ACTIVE within %s", table, STARTUP);
      }
      Thread.onSpinWait();
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** A client for this server with dummy credentials, one SDK attempt and a short call timeout. */
  public DynamoDbClient client() {
    return client(endpoint());
  }

  public static DynamoDbClient client(URI endpoint) {
    AwsSettings settings = new AwsSettings("us-east-1", Map.of("DYNAMODB", endpoint), null, 1, Duration.ofSeconds(5));
    return new AwsClients(settings)
        .configure(DynamoDbClient.builder(), "DYNAMODB")
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .build();
  }

  /** Stops the server; calls made afterwards fail as against an unreachable DynamoDB. */
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

  private static Path cli() {
    String configured = System.getenv("SUITE_DYNALITE_CLI");
    Path cli = configured != null && !configured.isBlank()
        ? Path.of(configured)
        : Path.of("..", ".suite", "node", "node_modules", "dynalite", "cli.js");
    if (!Files.isRegularFile(cli)) {
      fail("dynalite not found at %s (working directory %s): run ./suite test, which installs it, or"
              + " npm install --prefix .suite/node dynalite@4.0.0 at the repository root, or set SUITE_DYNALITE_CLI",
          cli.toAbsolutePath().normalize(), Path.of("").toAbsolutePath());
    }
    return cli;
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
    }
  }
}
