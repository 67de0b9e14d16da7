package io.cqrssuite.verification.streams;

import io.cqrssuite.fixtures.ProductTables;
import io.cqrssuite.testing.aws.OnFailurePointers;
import io.cqrssuite.testing.aws.StreamsApiHarness;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.catalog.function.CatalogHandler;
import io.cqrssuite.reliability.stream.StreamFailureHandler;
import io.cqrssuite.testing.engine.PostgresEngine;
import io.cqrssuite.testing.engine.TestEngines;
import io.cqrssuite.verification.workload.ExpectedState;
import io.cqrssuite.verification.workload.ProductCommand;
import io.cqrssuite.verification.workload.ProductWorkloadGenerator;
import io.cqrssuite.verification.workload.ReadModelCheck;
import io.cqrssuite.verification.workload.StreamDeliveries;
import io.cqrssuite.verification.workload.WorkloadOptions;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.reliability.deadletter.DeadLetterReplay;
import io.cqrssuite.reliability.deadletter.SqsDeadLetters;
import io.cqrssuite.reliability.alarm.AlarmPublisher;
import io.cqrssuite.reliability.stream.StreamFailureConsumer;
import io.cqrssuite.reliability.stream.StreamFailureResolver;
import io.cqrssuite.reliability.stream.StreamRecordJson;
import io.cqrssuite.sync.rds.PasswordSource;
import io.cqrssuite.sync.rds.SchemaMigrations;
import io.cqrssuite.sync.rds.SqlDialect;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Stream failure pointers resolved end to end over real wire protocols: pointers on an ElasticMQ queue, records read
 * back through the real SDK Streams client from {@link StreamsApiHarness}, envelopes written to an ElasticMQ
 * dead-letter queue, and {@link DeadLetterReplay} feeding them through {@code CatalogHandler} into PostgreSQL.
 */
class StreamFailurePointerRecoveryTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TABLE = "dev-catalog-product-command";
  private static final Instant GIVEN_UP = Instant.parse("2026-11-14T00:38:06.021Z");

  private static SQSRestServer elasticMq;
  private static SqsClient sqs;
  private static URI sqsEndpoint;
  private static StreamsApiHarness harness;
  private static DynamoDbStreamsClient streams;
  private static final Map<String, String> savedProperties = new HashMap<>();

  private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
  private String pointerQueue;
  private String deadLetterQueue;
  private String shardId;

  @BeforeAll
  static void start() {
    // DeadLetterReplay's SDK clients are built by the test, but the handler's default chain must not look further.
    for (String name : new String[] {"aws.accessKeyId", "aws.secretAccessKey"}) {
      savedProperties.put(name, System.getProperty(name));
      System.setProperty(name, "test");
    }
    elasticMq = SQSRestServerBuilder.withDynamicPort().withInterface("127.0.0.1").start();
    sqsEndpoint = URI.create("http://127.0.0.1:" + elasticMq.waitUntilStarted().localAddress().getPort());
    sqs =
        SqsClient.builder()
            .region(Region.US_EAST_1)
            .endpointOverride(sqsEndpoint)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .httpClient(UrlConnectionHttpClient.create())
            .build();
    harness = StreamsApiHarness.start();
    streams = harness.client();
  }

  @AfterAll
  static void stop() {
    if (streams != null) {
      streams.close();
    }
    if (harness != null) {
      harness.close();
    }
    if (sqs != null) {
      sqs.close();
    }
    if (elasticMq != null) {
      elasticMq.stopAndWait();
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
  void queues() {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    pointerQueue = sqs.createQueue(b -> b.queueName("stream-failures-" + suffix)).queueUrl();
    deadLetterQueue = sqs.createQueue(b -> b.queueName("dead-letters-" + suffix)).queueUrl();
    shardId = "shardId-00000001763079000000-" + suffix;
  }

  private StreamFailureConsumer consumer() {
    StructuredLog log = new StructuredLog("stream-failures", new PrintStream(logged, true, StandardCharsets.UTF_8), StructuredLog.Level.INFO);
    AlarmPublisher alarms = new AlarmPublisher(null, null, null, Duration.ofMinutes(5), "catalog", JSON, log, Clock.systemUTC());
    return new StreamFailureConsumer(
        new StreamFailureResolver(streams, new StreamRecordJson(JSON.getNodeFactory())),
        new SqsDeadLetters(sqs, deadLetterQueue, JSON, log),
        alarms,
        JSON,
        log,
        Clock.systemUTC());
  }

  private void sendPointer(List<ObjectNode> batch, String condition) {
    String body = OnFailurePointers.message(shardId, batch, condition, 11, GIVEN_UP);
    sqs.sendMessage(b -> b.queueUrl(pointerQueue).messageBody(body));
  }

  /** Every message now on the queue, each once; they are made visible again afterwards. */
  private List<JsonNode> drainBodies(String queueUrl) throws Exception {
    List<JsonNode> bodies = new ArrayList<>();
    List<String> handles = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    while (true) {
      List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).visibilityTimeout(60).waitTimeSeconds(1)).messages();
      int fresh = 0;
      for (Message message : messages) {
        if (seen.add(message.messageId())) {
          fresh++;
          bodies.add(JSON.readTree(message.body()));
          handles.add(message.receiptHandle());
        }
      }
      if (fresh == 0) {
        handles.forEach(h -> sqs.changeMessageVisibility(b -> b.queueUrl(queueUrl).receiptHandle(h).visibilityTimeout(0)));
        return bodies;
      }
    }
  }

  private int count(String queueUrl, String attribute) {
    return Integer.parseInt(sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNamesWithStrings(attribute)).attributesAsStrings().get(attribute));
  }

  private List<JsonNode> alarms(String severity) throws Exception {
    List<JsonNode> alarms = new ArrayList<>();
    for (String line : logged.toString(StandardCharsets.UTF_8).lines().toList()) {
      JsonNode entry = JSON.readTree(line);
      if ("alarm".equals(entry.path("message").asText()) && severity.equals(entry.path("severity").asText())) {
        alarms.add(entry);
      }
    }
    return alarms;
  }

  private static String sequence(JsonNode record) {
    return record.path("dynamodb").path("SequenceNumber").asText();
  }

  @Test
  void givenUpBatchesAreEnvelopedAndReplayedWithTheirOriginalEventIds() throws Exception {
    PostgresEngine postgres = TestEngines.postgres();
    String jdbcUrl = postgres.createDatabase("pointers_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8));
    new SchemaMigrations(jdbcUrl, postgres.user(), PasswordSource.fixed(postgres.password()))
        .migrate(SchemaMigrations.classpathLocation(SqlDialect.forJdbcUrl(jdbcUrl)));
    WorkloadOptions options = WorkloadOptions.defaults().withEntities(12).withVersions(3).withSeed(23);
    List<ProductCommand> log = ProductWorkloadGenerator.generate(options);
    Map<BigInteger, ObjectNode> bySequence = new TreeMap<>();
    new StreamDeliveries(TABLE).records(log, options).forEach(r -> bySequence.put(new BigInteger(sequence(r)), r));
    List<ObjectNode> records = List.copyOf(bySequence.values());
    String streamArn = records.get(0).get("eventSourceARN").asText();
    harness.append(shardId, streamArn, records);
    // Every batch given up, as after a read-model outage longer than the mapping's retries.
    for (int from = 0; from < records.size(); from += 7) {
      sendPointer(records.subList(from, Math.min(records.size(), from + 7)), from % 2 == 0 ? "RetryAttemptsExhausted" : "RecordAgeExceeded");
    }
    int pointers = (records.size() + 6) / 7;

    StreamFailureConsumer.Summary drained = consumer().drain(sqs, pointerQueue, 100, 30);

    assertThat(drained.acknowledged()).isEqualTo(pointers);
    assertThat(drained.failed()).isZero();
    assertThat(drained.envelopes()).isEqualTo(records.size());
    assertThat(count(pointerQueue, "ApproximateNumberOfMessages") + count(pointerQueue, "ApproximateNumberOfMessagesNotVisible")).isZero();
    assertThat(alarms("ERROR")).isNotEmpty().allSatisfy(alarm -> assertThat(alarm.path("handler").asText()).isEqualTo("stream-mapping"));

    Map<String, String> env =
        Map.of(
            "AWS_REGION", "us-east-1",
            "SUITE_LOG_LEVEL", "ERROR",
            "SUITE_RDS_URL", jdbcUrl,
            "SUITE_RDS_USER", postgres.user(),
            "SUITE_RDS_PASSWORD", postgres.password(),
            "SUITE_TABLE_MAPPINGS", ProductTables.CONFIG);
    CatalogHandler handler = new CatalogHandler(env);
    List<String> deliveredIds = new ArrayList<>();
    DeadLetterReplay.Summary replay =
        new DeadLetterReplay(sqs, null, deadLetterQueue, JSON, 60)
            .replay(
                1000,
                event -> {
                  JsonNode delivery = JSON.readTree(event);
                  delivery.path("Records").forEach(r -> deliveredIds.add(r.path("eventID").asText()));
                  ByteArrayOutputStream response = new ByteArrayOutputStream();
                  handler.handleRequest(new ByteArrayInputStream(event), response, null);
                  JsonNode failures = JSON.readTree(response.toByteArray()).path("batchItemFailures");
                  return failures.isEmpty() ? null : "reported as failed: " + failures;
                });

    assertThat(replay.failed()).as(replay.items().toString()).isZero();
    assertThat(replay.replayed()).isEqualTo(records.size());
    assertThat(deliveredIds).containsExactlyInAnyOrderElementsOf(records.stream().map(r -> r.get("eventID").asText()).toList());
    ReadModelCheck.Report rows = ReadModelCheck.relational(jdbcUrl, postgres.user(), postgres.password(), ExpectedState.of(log));
    assertThat(rows.mismatches()).as(rows.examples().toString()).isZero();
    assertThat(rows.stored()).isEqualTo(ExpectedState.of(log).entities().size());
  }

  @Test
  void theEnvelopeHoldsTheRecordAsLambdaDeliveredItAndThePointersCondition() throws Exception {
    List<ObjectNode> records = StreamsApiHarnessTest.records(TABLE, 3);
    harness.append(shardId, records.get(0).get("eventSourceARN").asText(), records);
    sendPointer(records.subList(1, 4), "RecordAgeExceeded");

    StreamFailureConsumer.Summary drained = consumer().drain(sqs, pointerQueue, 10, 30);
    List<JsonNode> envelopes = drainBodies(deadLetterQueue);

    assertThat(drained.acknowledged()).isEqualTo(1);
    assertThat(envelopes).hasSize(3);
    for (int i = 0; i < 3; i++) {
      ObjectNode original = records.get(1 + i);
      JsonNode envelope = envelopes.stream().filter(e -> e.path("itemIdentifier").asText().equals(sequence(original))).findFirst().orElseThrow();
      assertThat(envelope.get("record")).isEqualTo(JSON.readTree(JSON.writeValueAsString(original)));
      assertThat(envelope.get("source").asText()).isEqualTo("DYNAMODB_STREAM");
      assertThat(envelope.get("eventId").asText()).isEqualTo(original.get("eventID").asText());
      assertThat(envelope.get("handler").asText()).isEqualTo("stream-mapping");
      assertThat(envelope.get("errorClass").asText()).isEqualTo("RecordAgeExceeded");
      assertThat(envelope.get("errorMessage").asText()).contains("after 11 invocations");
      assertThat(envelope.get("failureKind").asText()).isEqualTo("TRANSIENT");
      assertThat(envelope.get("attempts").intValue()).isEqualTo(11);
      assertThat(envelope.get("lastFailureAt").asText()).isEqualTo(GIVEN_UP.toString());
    }
  }

  @Test
  void recordsTrimmedFromTheStreamLeaveThePointerEnvelopedAndACriticalAlarm() throws Exception {
    List<ObjectNode> records = StreamsApiHarnessTest.records(TABLE, 3);
    harness.append(shardId, records.get(0).get("eventSourceARN").asText(), records);
    List<ObjectNode> partlyGone = records.subList(0, 5);
    List<ObjectNode> allGone = records.subList(0, 1);
    sendPointer(partlyGone, "RetryAttemptsExhausted");
    // Retention passes before the consumer runs: the first two records of the shard are gone.
    harness.trimBefore(sequence(records.get(2)));

    StreamFailureConsumer.Summary first = consumer().drain(sqs, pointerQueue, 10, 30);
    sendPointer(allGone, "RecordAgeExceeded");
    StreamFailureConsumer.Summary second = consumer().drain(sqs, pointerQueue, 10, 30);
    List<JsonNode> envelopes = drainBodies(deadLetterQueue);

    assertThat(first.acknowledged()).isEqualTo(1);
    assertThat(first.outcomes().get(0).recovered()).isEqualTo(3);
    assertThat(first.outcomes().get(0).reason()).contains("trimmed");
    assertThat(second.acknowledged()).isEqualTo(1);
    assertThat(second.outcomes().get(0).recovered()).isZero();
    List<JsonNode> pointerEnvelopes = envelopes.stream().filter(e -> e.path("source").asText().equals("DYNAMODB_STREAM_POINTER")).toList();
    List<JsonNode> recordEnvelopes = envelopes.stream().filter(e -> e.path("source").asText().equals("DYNAMODB_STREAM")).toList();
    assertThat(recordEnvelopes).extracting(e -> e.path("eventId").asText())
        .containsExactlyInAnyOrder(records.get(2).get("eventID").asText(), records.get(3).get("eventID").asText(), records.get(4).get("eventID").asText());
    assertThat(pointerEnvelopes).hasSize(2).allSatisfy(envelope -> {
      assertThat(envelope.get("errorClass").asText()).isEqualTo("StreamRecordsUnavailable");
      assertThat(envelope.get("errorMessage").asText()).contains("trimmed from the stream");
      assertThat(envelope.path("record").path("DDBStreamBatchInfo").path("shardId").asText()).isEqualTo(shardId);
    });
    assertThat(pointerEnvelopes).anySatisfy(e -> assertThat(e.get("errorMessage").asText()).contains("up to before " + sequence(records.get(2))));
    assertThat(pointerEnvelopes).anySatisfy(e -> assertThat(e.get("errorMessage").asText()).startsWith("all of " + sequence(records.get(0))));
    assertThat(alarms("CRITICAL")).isNotEmpty().allSatisfy(alarm -> assertThat(alarm.path("errorType").asText()).isEqualTo("StreamRecordsUnavailable"));
    // The recovered records replay; the pointers are kept for people, and a replay says why it skips them.
    DeadLetterReplay.Summary replay = new DeadLetterReplay(sqs, null, deadLetterQueue, JSON, 60).replay(10, event -> null);
    assertThat(replay.replayed()).isEqualTo(3);
    assertThat(replay.skipped()).isEqualTo(2);
    assertThat(replay.items()).filteredOn(i -> i.status().equals("skipped"))
        .allSatisfy(i -> assertThat(i.reason()).contains("DYNAMODB_STREAM_POINTER"));
  }

  @Test
  void aPointerIsNotAcknowledgedWhileOneOfItsEnvelopesIsNotStored() throws Exception {
    List<ObjectNode> records = new ArrayList<>(StreamsApiHarnessTest.records(TABLE, 3).subList(0, 3));
    // A stream record holds up to two 400 KB images, and JSON escapes a control character as six bytes: its envelope
    // can exceed the queue's 1 MiB, and there is no bucket.
    ObjectNode huge = records.get(1).deepCopy();
    ((ObjectNode) huge.path("dynamodb").path("NewImage")).putObject("description").put("S", "x".repeat(1_100_000));
    records.set(1, huge);
    harness.append(shardId, records.get(0).get("eventSourceARN").asText(), records);
    sendPointer(records, "RetryAttemptsExhausted");

    StreamFailureConsumer.Summary drained = consumer().drain(sqs, pointerQueue, 10, 1);

    assertThat(drained.acknowledged()).isZero();
    assertThat(drained.failed()).isEqualTo(1);
    assertThat(drained.outcomes().get(0).reason()).contains(sequence(huge)).contains("exceeds the SQS message limit");
    assertThat(alarms("CRITICAL")).isNotEmpty();
    // Kept on its queue: a long poll receives it again once its one-second visibility timeout has passed.
    List<Message> again = sqs.receiveMessage(b -> b.queueUrl(pointerQueue).waitTimeSeconds(10).visibilityTimeout(30)).messages();
    assertThat(again).singleElement().satisfies(m -> assertThat(m.body()).contains("DDBStreamBatchInfo"));
  }

  @Test
  void theFunctionReportsThePointersItCouldNotEnvelopeAsBatchItemFailures() throws Exception {
    List<ObjectNode> records = new ArrayList<>(StreamsApiHarnessTest.records(TABLE, 3).subList(0, 4));
    ObjectNode huge = records.get(3).deepCopy();
    ((ObjectNode) huge.path("dynamodb").path("NewImage")).putObject("description").put("S", "x".repeat(1_100_000));
    records.set(3, huge);
    harness.append(shardId, records.get(0).get("eventSourceARN").asText(), records);
    ObjectNode event = JSON.createObjectNode();
    var messages = event.putArray("Records");
    messages.addObject().put("messageId", "fits").put("body", OnFailurePointers.message(shardId, records.subList(0, 3), "RetryAttemptsExhausted", 11, GIVEN_UP));
    messages.addObject().put("messageId", "too-large").put("body", OnFailurePointers.message(shardId, records.subList(2, 4), "RetryAttemptsExhausted", 11, GIVEN_UP));
    StreamFailureHandler handler =
        new StreamFailureHandler(
            Map.of(
                "AWS_REGION", "us-east-1",
                "SUITE_LOG_LEVEL", "ERROR",
                // The Streams client takes the general override: AwsSettings has no Streams-specific variable.
                "AWS_ENDPOINT_URL", harness.endpoint().toString(),
                "AWS_ENDPOINT_URL_SQS", sqsEndpoint.toString(),
                "SUITE_DEAD_LETTER_QUEUE_URL", deadLetterQueue));

    ByteArrayOutputStream response = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), response, null);

    assertThat(JSON.readTree(response.toByteArray())).isEqualTo(JSON.readTree("{\"batchItemFailures\":[{\"itemIdentifier\":\"too-large\"}]}"));
    // The first pointer's three envelopes, and the second's one that fitted (written again when it is retried).
    assertThat(drainBodies(deadLetterQueue)).extracting(e -> e.path("itemIdentifier").asText())
        .containsExactlyInAnyOrder(sequence(records.get(0)), sequence(records.get(1)), sequence(records.get(2)), sequence(records.get(2)));
  }

  @Test
  void aMessageThatIsNoPointerIsEnvelopedAsTextNotDropped() throws Exception {
    sqs.sendMessage(b -> b.queueUrl(pointerQueue).messageBody("{\"KinesisBatchInfo\":{}}"));

    StreamFailureConsumer.Summary drained = consumer().drain(sqs, pointerQueue, 10, 30);
    List<JsonNode> envelopes = drainBodies(deadLetterQueue);

    assertThat(drained.acknowledged()).isEqualTo(1);
    assertThat(envelopes).singleElement().satisfies(envelope -> {
      assertThat(envelope.get("recordEncoding").asText()).isEqualTo("text");
      assertThat(envelope.get("record").asText()).isEqualTo("{\"KinesisBatchInfo\":{}}");
      assertThat(envelope.get("errorMessage").asText()).contains("no DDBStreamBatchInfo");
    });
  }

  /** Issue 12, point 5: the parser's message quotes a malformed body; only the envelope keeps it. */
  @Test
  void aMalformedMessagesContentStaysInTheEnvelope() throws Exception {
    String marker = "MARKER" + UUID.randomUUID().toString().replace("-", "");
    String body = "{\"DDBStreamBatchInfo\": " + marker + "}";
    sqs.sendMessage(b -> b.queueUrl(pointerQueue).messageBody(body));

    StreamFailureConsumer.Summary drained = consumer().drain(sqs, pointerQueue, 10, 30);
    List<JsonNode> envelopes = drainBodies(deadLetterQueue);

    assertThat(drained.acknowledged()).isEqualTo(1);
    assertThat(envelopes).singleElement().satisfies(envelope -> {
      assertThat(envelope.get("record").asText()).isEqualTo(body);
      assertThat(envelope.get("errorMessage").asText()).contains(marker);
    });
    String log = logged.toString(StandardCharsets.UTF_8);
    assertThat(log).as("log lines and the alarm the publisher logs").contains("no pointer").doesNotContain(marker);
  }
}
