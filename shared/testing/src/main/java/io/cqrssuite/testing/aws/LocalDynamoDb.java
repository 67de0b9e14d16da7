package io.cqrssuite.testing.aws;

import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * DynamoDB for a local run: npm {@code dynalite@4.0.0} as a Node child process on a free loopback port, which
 * {@code ./suite} installs under {@code .suite/node} (or {@code SUITE_DYNALITE_CLI} names another copy). It speaks
 * DynamoDB's JSON protocol but has no Streams, transactions or {@code UpdateTimeToLive}; {@link StreamsApiHarness}
 * stands in for the Streams API.
 */
public final class LocalDynamoDb implements AutoCloseable {
  /** What to tell someone whose machine lacks it. */
  public static final String INSTALL_HINT =
      "dynalite (a local DynamoDB) is needed: run ./suite (it installs dynalite@4.0.0 under .suite/node with npm) or set "
          + "SUITE_DYNALITE_CLI to its cli.js; Node.js 20 or newer must be on the PATH";

  private static final Duration STARTUP = Duration.ofSeconds(20);
  private static final String CLI = ".suite/node/node_modules/dynalite/cli.js";

  private final Process process;
  private final int port;
  private final DynamoDbClient client;

  private LocalDynamoDb(Process process, int port) {
    this.process = process;
    this.port = port;
    AwsSettings settings = new AwsSettings("us-east-1", Map.of("DYNAMODB", endpoint()), null, 3, Duration.ofSeconds(30));
    this.client = new AwsClients(settings)
        .configure(DynamoDbClient.builder(), "DYNAMODB")
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .build();
  }

  /** Where dynalite's CLI is: {@code SUITE_DYNALITE_CLI}, else under the repository root; empty when absent. */
  public static Optional<Path> cli(Map<String, String> env, Path root) {
    String configured = env.get("SUITE_DYNALITE_CLI");
    Path cli = configured != null && !configured.isBlank() ? Path.of(configured) : root.resolve(CLI);
    return Files.isRegularFile(cli) ? Optional.of(cli) : Optional.empty();
  }

  /**
   * Starts dynalite for a test: from {@code SUITE_DYNALITE_CLI}, else from {@code .suite/node} in the nearest
   * directory above the working directory that has it (where {@code ./suite test} installs it).
   *
   * @throws IllegalStateException with {@link #INSTALL_HINT} when it is not installed or does not start
   */
  public static LocalDynamoDb start() {
    Path cli = null;
    for (Path dir = Path.of("").toAbsolutePath(); dir != null && cli == null; dir = dir.getParent()) {
      cli = cli(System.getenv(), dir).orElse(null);
    }
    if (cli == null) {
      throw new IllegalStateException(INSTALL_HINT + " (looked above " + Path.of("").toAbsolutePath() + ")");
    }
    try {
      return start(cli);
    } catch (IOException e) {
      throw new IllegalStateException("dynalite did not start: " + e.getMessage(), e);
    }
  }

  /** Starts dynalite from {@code cli} and waits until it accepts connections. */
  public static LocalDynamoDb start(Path cli) throws IOException {
    int port = freePort();
    Process process = new ProcessBuilder("node", cli.toString(), "--host", "127.0.0.1", "--port", Integer.toString(port), "--createTableMs", "0")
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (!accepts(port)) {
      if (!process.isAlive()) {
        throw new IOException("dynalite exited with status " + process.exitValue() + " before listening on port " + port);
      }
      if (System.nanoTime() > deadline) {
        process.destroyForcibly();
        throw new IOException("dynalite did not listen on port " + port + " within " + STARTUP.toSeconds() + " s");
      }
      pause();
    }
    return new LocalDynamoDb(process, port);
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** A client of this server with dummy credentials. */
  public DynamoDbClient client() {
    return client;
  }

  /**
   * A client of a dynalite at {@code endpoint} with dummy credentials, one SDK attempt and a short call timeout: a
   * test that stops the server sees calls fail fast, as against an unreachable DynamoDB.
   */
  public static DynamoDbClient client(URI endpoint) {
    AwsSettings settings = new AwsSettings("us-east-1", Map.of("DYNAMODB", endpoint), null, 1, Duration.ofSeconds(5));
    return new AwsClients(settings)
        .configure(DynamoDbClient.builder(), "DYNAMODB")
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .build();
  }

  /** Creates an on-demand table keyed by string attributes ({@code sortKey} may be null) and waits until ACTIVE. */
  public void createTable(String table, String hashKey, String sortKey) {
    createTable(client, table, hashKey, sortKey);
  }

  /** {@link #createTable(String, String, String)} through any client (of this or another DynamoDB). */
  public static void createTable(DynamoDbClient client, String table, String hashKey, String sortKey) {
    List<AttributeDefinition> attributes = sortKey == null
        ? List.of(AttributeDefinition.builder().attributeName(hashKey).attributeType(ScalarAttributeType.S).build())
        : List.of(
            AttributeDefinition.builder().attributeName(hashKey).attributeType(ScalarAttributeType.S).build(),
            AttributeDefinition.builder().attributeName(sortKey).attributeType(ScalarAttributeType.S).build());
    List<KeySchemaElement> keys = sortKey == null
        ? List.of(KeySchemaElement.builder().attributeName(hashKey).keyType(KeyType.HASH).build())
        : List.of(
            KeySchemaElement.builder().attributeName(hashKey).keyType(KeyType.HASH).build(),
            KeySchemaElement.builder().attributeName(sortKey).keyType(KeyType.RANGE).build());
    client.createTable(r -> r.tableName(table).attributeDefinitions(attributes).keySchema(keys).billingMode(BillingMode.PAY_PER_REQUEST));
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (client.describeTable(r -> r.tableName(table)).table().tableStatus() != TableStatus.ACTIVE) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("table " + table + " not ACTIVE within " + STARTUP.toSeconds() + " s");
      }
      pause();
    }
  }

  @Override
  public void close() {
    client.close();
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  /** Between polls of a starting server: short, so start-up is not padded. */
  private static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for dynalite", e);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
