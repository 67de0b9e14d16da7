package io.cqrssuite.cli;

import io.cqrssuite.fixtures.SampleEvents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.cqrssuite.deadletter.DeadLetterEnvelope;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/** {@code ./suite dlq} against ElasticMQ in this JVM. */
class DeadLetterCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** In {@link #cli(Map, String...)}: leave the variable out. */
  private static final String UNSET = "\u0000unset";
  private static final Path ROOT = SampleEvents.repositoryRoot();
  private static SQSRestServer server;
  private static String endpoint;
  private static SqsClient sqs;
  private static int queues;

  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  private String queueUrl;

  private static final Map<String, String> savedProperties = new HashMap<>();

  @BeforeAll
  static void start() {
    // The SDK reads credentials from the real environment or system properties, not from the CLI's env map.
    for (String name : new String[] {"aws.accessKeyId", "aws.secretAccessKey"}) {
      savedProperties.put(name, System.getProperty(name));
      System.setProperty(name, "test");
    }
    server = SQSRestServerBuilder.withDynamicPort().withInterface("127.0.0.1").start();
    endpoint = "http://127.0.0.1:" + server.waitUntilStarted().localAddress().getPort();
    sqs =
        SqsClient.builder()
            .region(Region.US_EAST_1)
            .endpointOverride(java.net.URI.create(endpoint))
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  @AfterAll
  static void stop() {
    if (sqs != null) {
      sqs.close();
    }
    if (server != null) {
      server.stopAndWait();
    }
    savedProperties.forEach((name, value) -> {
      if (value == null) {
        System.clearProperty(name);
      } else {
        System.setProperty(name, value);
      }
    });
  }

  @BeforeEach
  void queue() {
    queueUrl = sqs.createQueue(b -> b.queueName("suite-cli-dlq-" + (++queues))).queueUrl();
  }

  private int cli(String... args) {
    return cli(Map.of(), args);
  }

  /** With {@code changes} over the usual environment; an empty value removes the variable. */
  private int cli(Map<String, String> changes, String... args) {
    Map<String, String> env = new HashMap<>();
    env.put("SUITE_ROOT", ROOT.toString());
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_ACCESS_KEY_ID", "test");
    env.put("AWS_SECRET_ACCESS_KEY", "test");
    env.put("AWS_ENDPOINT_URL_SQS", endpoint);
    env.put("SUITE_DEAD_LETTER_QUEUE_URL", queueUrl);
    env.put("SUITE_RDS_URL", "jdbc:postgresql://127.0.0.1:9/unused");
    env.put("SUITE_OPENSEARCH_ENDPOINT", "http://127.0.0.1:9");
    env.put("SUITE_OPENSEARCH_SIGV4", "false");
    changes.forEach((name, value) -> {
      if (value.equals(UNSET)) {
        env.remove(name);
      } else {
        env.put(name, value);
      }
    });
    stdout.reset();
    return SuiteCli.run(args, new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), env);
  }

  private List<String> lines() {
    return stdout.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private JsonNode last() throws Exception {
    List<String> lines = lines();
    return JSON.readTree(lines.get(lines.size() - 1));
  }

  private void send(String source, JsonNode record, String encoding, String eventId, String at) throws Exception {
    Instant when = Instant.parse(at);
    DeadLetterEnvelope envelope =
        new DeadLetterEnvelope(1, source, eventId, eventId, record, encoding, "orders", "io.cqrssuite.failure.PermanentException", "bad", "PERMANENT", 1, when, when, eventId);
    String body = JSON.writeValueAsString(envelope.toJson(JSON));
    sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body));
  }

  private int visible() {
    return Integer.parseInt(sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNamesWithStrings("ApproximateNumberOfMessages")).attributesAsStrings().get("ApproximateNumberOfMessages"));
  }

  @Test
  void listExportAndReplay(@TempDir Path dir) throws Exception {
    JsonNode eventBridge = JSON.readTree(Files.readAllBytes(ROOT.resolve("events/eventbridge/custom.json")));
    send("EVENT_BRIDGE", eventBridge, "json", eventBridge.get("id").textValue(), "2026-11-25T10:00:00Z");
    send(null, TextNode.valueOf("no event"), "text", null, "2026-11-25T11:00:00Z");

    assertThat(cli("dlq", "list")).isZero();
    assertThat(lines()).hasSize(3);
    assertThat(last().get("listed").intValue()).isEqualTo(2);
    assertThat(JSON.readTree(lines().get(0)).get("envelope").has("recordEncoding")).isTrue();
    assertThat(visible()).isEqualTo(2);

    Path file = dir.resolve("dlq.ndjson");
    assertThat(cli("dlq", "export", file.toString(), "--max", "5")).isZero();
    assertThat(last().get("count").intValue()).isEqualTo(2);
    assertThat(last().get("from").textValue()).isEqualTo("2026-11-25T10:00:00Z");
    assertThat(last().get("to").textValue()).isEqualTo("2026-11-25T11:00:00Z");
    assertThat(Files.readString(dir.resolve("dlq.ndjson.sha256"))).startsWith(last().get("sha256").textValue() + "  dlq.ndjson");
    assertThat(Files.readAllLines(file)).hasSize(3);
    assertThat(visible()).isEqualTo(2);

    assertThat(cli("dlq", "replay")).isZero();
    JsonNode summary = last();
    assertThat(summary.get("replayed").intValue()).as(summary.toString()).isEqualTo(1);
    assertThat(summary.get("skipped").intValue()).isEqualTo(1);
    assertThat(summary.get("failed").intValue()).isZero();
    assertThat(visible()).as("the text document stays").isEqualTo(1);

    assertThat(cli("dlq", "replay", "--queue-url", queueUrl)).isZero();
    assertThat(last().get("replayed").intValue()).isZero();
    assertThat(last().get("skipped").intValue()).isEqualTo(1);
  }

  private int inQueue() {
    Map<String, String> counts =
        sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNamesWithStrings("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"))
            .attributesAsStrings();
    return Integer.parseInt(counts.get("ApproximateNumberOfMessages")) + Integer.parseInt(counts.get("ApproximateNumberOfMessagesNotVisible"));
  }

  /** A dead-lettered change of the product data table: replaying it writes the relational read model. */
  private JsonNode sendStreamRecord() throws Exception {
    JsonNode record = JSON.readTree(Files.readAllBytes(ROOT.resolve("events/dynamodb/product-data-changes.json"))).get("Records").get(0);
    send("DYNAMODB_STREAM", record, "json", record.get("eventID").textValue(), "2026-11-25T12:00:00Z");
    return record;
  }

  private String refusal(Map<String, String> changes, String... args) {
    return org.assertj.core.api.Assertions.catchThrowableOfType(() -> cli(changes, args), Arguments.UsageException.class).getMessage();
  }

  @Test
  void aRealQueueIsNotReplayedIntoPlacesTheTemplateMadeUp() throws Exception {
    String real = "https://sqs.eu-west-1.amazonaws.com/123456789012/dev-catalog-dead-letters";
    // No SQS endpoint override: the queue is the account's. Nothing is received before the refusal.
    String message = refusal(Map.of("AWS_ENDPOINT_URL_SQS", UNSET), "dlq", "replay", "--queue-url", real);
    assertThat(message).contains("real AWS place").contains("SUITE_IDEMPOTENCY_TABLE").contains("SUITE_COMMAND_TABLE")
        .contains("--deployed-env").doesNotContain("SUITE_RDS_URL,");
    // An override that is itself AWS's endpoint changes nothing.
    assertThat(refusal(Map.of("AWS_ENDPOINT_URL_SQS", "https://sqs.eu-west-1.amazonaws.com"), "dlq", "replay", "--queue-url", real))
        .contains("real AWS place");
    // Read models left to the template are refused too: blank would have meant embedded engines.
    String blank = refusal(Map.of("AWS_ENDPOINT_URL_SQS", UNSET, "SUITE_RDS_URL", UNSET, "SUITE_OPENSEARCH_ENDPOINT", UNSET), "dlq", "replay", "--queue-url", real);
    assertThat(blank).contains("SUITE_RDS_URL, SUITE_OPENSEARCH_ENDPOINT are not configured").contains("SUITE_OPENSEARCH_ENDPOINT, SUITE_RDS_URL");
    // --local beside a real queue: the dead letters would be deleted after going into engines that vanish.
    assertThat(refusal(Map.of("AWS_ENDPOINT_URL_SQS", UNSET, "SUITE_RDS_URL", UNSET, "SUITE_OPENSEARCH_ENDPOINT", UNSET), "dlq", "replay", "--local", "--queue-url", real))
        .contains("real and embedded places mixed").contains("SUITE_DEAD_LETTER_QUEUE_URL=" + real + " (aws)");
  }

  @Test
  void aDryRunDeletesNothingAndSaysWhereRecordsWouldGo() throws Exception {
    sendStreamRecord();
    send(null, TextNode.valueOf("no event"), "text", null, "2026-11-25T11:00:00Z");

    assertThat(cli("dlq", "replay", "--dry-run")).isZero();
    JsonNode plan = last();
    assertThat(plan.get("dryRun").booleanValue()).isTrue();
    assertThat(plan.get("wouldReplay").intValue()).as(plan.toString()).isEqualTo(1);
    assertThat(plan.get("wouldSkip").intValue()).isEqualTo(1);
    assertThat(plan.get("note").textValue()).contains("ApproximateReceiveCount");
    assertThat(plan.get("queue").textValue()).isEqualTo("emulated");
    assertThat(plan.findValuesAsText("variable")).contains("SUITE_RDS_URL", "SUITE_OPENSEARCH_ENDPOINT");
    // The configured read model is unreachable: an invoked replay would have failed; nothing was invoked or deleted.
    assertThat(visible()).isEqualTo(2);
  }

  @Test
  void aDeadLetterWhoseEffectsDidNotLandStays() throws Exception {
    sendStreamRecord();
    // The relational read model is configured but down (a closed port): the record fails and is not deleted.
    assertThat(cli(Map.of("SUITE_OPENSEARCH_ENDPOINT", ""), "dlq", "replay")).isEqualTo(1);
    JsonNode summary = last();
    assertThat(summary.get("failed").intValue()).as(summary.toString()).isEqualTo(1);
    assertThat(summary.get("replayed").intValue()).isZero();
    assertThat(inQueue()).isEqualTo(1);
  }

  @Test
  void aDeadLetterIsDeletedOnceItsEffectReachedTheConfiguredReadModel() throws Exception {
    JsonNode record = sendStreamRecord();
    try (io.cqrssuite.testing.engine.PostgresEngine postgres = io.cqrssuite.testing.engine.PostgresEngine.start()) {
      Map<String, String> rdsEnv = Map.of(
          "SUITE_RDS_URL", postgres.jdbcUrl(), "SUITE_RDS_USER", postgres.user(), "SUITE_RDS_PASSWORD", postgres.password(),
          "SUITE_RDS_IAM_AUTH", "false", "SUITE_RDS_SECRET_ARN", "");
      io.cqrssuite.sync.rds.RdsSettings rds = io.cqrssuite.sync.rds.RdsSettings.fromEnvironment(rdsEnv);
      io.cqrssuite.sync.rds.SchemaMigrations.of(rds).migrate(rds);
      Map<String, String> changes = new HashMap<>(rdsEnv);
      // The stack has no OpenSearch: said explicitly, so no embedded engine is started for it.
      changes.put("SUITE_OPENSEARCH_ENDPOINT", "");
      assertThat(cli(changes, "dlq", "replay")).isZero();
      assertThat(last().get("replayed").intValue()).as(last().toString()).isEqualTo(1);
      assertThat(inQueue()).isZero();
      String code = record.at("/dynamodb/NewImage/code/S").textValue();
      try (java.sql.Connection connection = java.sql.DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password());
          java.sql.ResultSet rows = connection.createStatement().executeQuery("select count(*) from product where code = '" + code + "'")) {
        rows.next();
        assertThat(rows.getInt(1)).isEqualTo(1);
      }
    }
  }

  @Test
  void embeddedEnginesOnlyWhenAskedAndNeverBesideConfiguredOnes() throws Exception {
    sendStreamRecord();
    Map<String, String> blank = Map.of("SUITE_RDS_URL", UNSET, "SUITE_OPENSEARCH_ENDPOINT", UNSET);
    assertThat(refusal(blank, "dlq", "replay")).contains("SUITE_RDS_URL, SUITE_OPENSEARCH_ENDPOINT are not configured").contains("--local");
    assertThat(refusal(Map.of("SUITE_OPENSEARCH_ENDPOINT", UNSET), "dlq", "replay", "--local"))
        .contains("real and embedded places mixed").contains("SUITE_RDS_URL=jdbc:postgresql://127.0.0.1:9/unused (configured)");
    assertThat(inQueue()).as("refused before anything was received").isEqualTo(1);
    assertThat(visible()).isEqualTo(1);
  }

  @Test
  void badArgumentsAreRefused() {
    assertThatThrownBy(() -> cli("dlq")).isInstanceOf(Arguments.UsageException.class);
    assertThatThrownBy(() -> cli("dlq", "drain")).isInstanceOf(Arguments.UsageException.class);
    assertThatThrownBy(() -> cli("dlq", "export")).isInstanceOf(Arguments.UsageException.class);
    assertThatThrownBy(() -> cli("dlq", "list", "--max", "0")).isInstanceOf(Arguments.UsageException.class);
    assertThatThrownBy(() -> cli("dlq", "list", "--local")).isInstanceOf(Arguments.UsageException.class);
    assertThatThrownBy(() -> cli("dlq", "replay", "--env-vars", "a.json", "--deployed-env", "b.json")).isInstanceOf(Arguments.UsageException.class);
  }
}
