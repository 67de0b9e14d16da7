package io.cqrssuite.reliability.deadletter;

import io.cqrssuite.entrypoint.DeliveryFailedException;
import io.cqrssuite.entrypoint.EventEntrypoint;
import io.cqrssuite.entrypoint.InvocationOutcome;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.bus.BatchProcessor;
import io.cqrssuite.bus.EventBus;
import io.cqrssuite.bus.EventHandler;
import io.cqrssuite.bus.UnhandledEvents;
import io.cqrssuite.event.DataChangeEvent;
import io.cqrssuite.event.DomainEvent;
import io.cqrssuite.event.EventBridgeEvent;
import io.cqrssuite.event.InvalidEventException;
import io.cqrssuite.event.S3ObjectEvent;
import io.cqrssuite.event.SqsMessageEvent;
import io.cqrssuite.factory.DefaultEventFactory;
import io.cqrssuite.factory.EventDecoder;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.failure.PermanentException;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.deadletter.DeadLetterEnvelope;
import io.cqrssuite.reliability.deadletter.DeadLetterSettings;
import io.cqrssuite.deadletter.DeadLetterSink;
import io.cqrssuite.reliability.deadletter.SqsDeadLetters;
import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.fixtures.TestHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Dead-lettering of permanent failures (contract §5) against a real SQS wire protocol: ElasticMQ in this JVM,
 * reached by the SDK client the suite builds.
 */
class EventEntrypointDeadLetterTest {
  // sqs/standard-batch.json
  private static final String STD_1 = "04d332cb-e7df-4ddb-9cfe-3d1286abfdd2";
  private static final String STD_2 = "664b366e-a514-4407-b17c-641b8955b44e";
  private static final String STD_3 = "a386bc2f-94b4-431f-ae7e-50344ef58e58";
  // sqs/fifo-batch.json: A1, A2 in group acme; G1, G2 in group globex
  private static final String A1 = "7c0eca6a-e404-4952-a9bb-09aa3c1a379f";
  private static final String A2 = "d9219eaa-8f29-4b3e-90da-9eed20dc141f";
  private static final String G1 = "b4352cde-87da-4e42-bf61-bafd0ed5cc4e";
  private static final String G2 = "6b6dcc3f-56d7-4a6a-8cff-a87e08f16421";
  // dynamodb/product-command-changes.json
  private static final String SEQ_1 = "4421584500000000017458535079";
  private static final String SEQ_2 = "4421584500000000017464292370";
  private static final String SEQ_3 = "4421584500000000017465402413";
  private static final String SEQ_4 = "4421584500000000017470002018";
  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

  private static final String[] CREDENTIAL_PROPERTIES = {"aws.accessKeyId", "aws.secretAccessKey"};
  private static final Map<String, String> savedProperties = new LinkedHashMap<>();
  private static SQSRestServer server;
  private static int port;
  private static SqsClient sqs;
  private static int queues;

  private final ObjectMapper mapper = EventJson.newMapper();
  private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
  private final StructuredLog log =
      new StructuredLog("dead-letter-test", new PrintStream(logBytes, true, StandardCharsets.UTF_8), StructuredLog.Level.DEBUG);
  private String queueUrl;

  @BeforeAll
  static void startSqs() {
    for (String name : CREDENTIAL_PROPERTIES) {
      savedProperties.put(name, System.getProperty(name));
      System.setProperty(name, "test");
    }
    server = SQSRestServerBuilder.withDynamicPort().withInterface("127.0.0.1").start();
    port = server.waitUntilStarted().localAddress().getPort();
    sqs = clients("http://127.0.0.1:" + port).configure(SqsClient.builder(), "SQS").build();
  }

  @AfterAll
  static void stopSqs() {
    if (sqs != null) {
      sqs.close();
    }
    if (server != null) {
      server.stopAndWait();
    }
    savedProperties.forEach(
        (name, value) -> {
          if (value == null) {
            System.clearProperty(name);
          } else {
            System.setProperty(name, value);
          }
        });
  }

  private static AwsClients clients(String endpoint) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_ENDPOINT_URL_SQS", endpoint);
    env.put("SUITE_AWS_MAX_ATTEMPTS", "1");
    env.put("SUITE_AWS_CALL_TIMEOUT_MS", "5000");
    return new AwsClients(AwsSettings.fromEnvironment(env));
  }

  @BeforeEach
  void freshQueue() {
    queueUrl = sqs.createQueue(b -> b.queueName("suite-dead-letters-" + (++queues))).queueUrl();
  }

  // ---- wiring -------------------------------------------------------------------------------------------------

  private DeadLetterSink deadLetters() {
    return new SqsDeadLetters(sqs, queueUrl, mapper, log);
  }

  /** A queue client whose endpoint nobody listens on: every write fails with a connection error. */
  private DeadLetterSink unreachableDeadLetters() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    SqsClient nowhere = clients("http://127.0.0.1:" + closedPort).configure(SqsClient.builder(), "SQS").build();
    return new SqsDeadLetters(nowhere, "http://127.0.0.1:" + closedPort + "/000000000000/suite-dead-letters", mapper, log);
  }

  private EventEntrypoint entrypoint(DeadLetterSink deadLetters, EventHandler<?>... handlers) {
    Set<EventHandler<?>> set = new LinkedHashSet<>(List.of(handlers));
    return EventEntrypoint.builder(
            mapper,
            new EventDecoder(mapper, new DefaultEventFactory()),
            BatchProcessor.builder(new EventBus(set, UnhandledEvents.FAIL)).build())
        .taskCallbacks(() -> {
          throw new AssertionError("no task callbacks in these tests");
        })
        .log(log)
        .deadLetters(deadLetters)
        .clock(Clock.fixed(NOW, ZoneOffset.UTC))
        .build();
  }

  private InvocationOutcome invoke(String sample, EventHandler<?>... handlers) {
    return entrypoint(deadLetters(), handlers).handle(SampleEvents.stream(sample));
  }

  /** Every envelope on the queue, received until the queue stays empty (long polls bounded by a deadline). */
  private List<JsonNode> envelopes(int expected) throws Exception {
    List<JsonNode> found = new ArrayList<>();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      List<Message> messages =
          sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(found.size() >= expected ? 1 : 2))
              .messages();
      if (messages.isEmpty() && found.size() >= expected) {
        break;
      }
      for (Message message : messages) {
        found.add(mapper.readTree(message.body()));
        sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
      }
    }
    return found;
  }

  private static JsonNode batchItemFailures(String... ids) {
    ObjectNode response = EventJson.newMapper().createObjectNode();
    var items = response.putArray("batchItemFailures");
    for (String id : ids) {
      items.addObject().put("itemIdentifier", id);
    }
    return response;
  }

  private static JsonNode rawRecord(String sample, int index) {
    return SampleEvents.tree(sample).get("Records").get(index);
  }

  private static TestHandler<SqsMessageEvent> poisonFor(String messageId) {
    return TestHandler.of(
        "orders",
        SqsMessageEvent.class,
        e -> {
          if (e.messageId().equals(messageId)) {
            throw new PermanentException("order " + messageId + " has no items");
          }
          return null;
        });
  }

  // ---- SQS ----------------------------------------------------------------------------------------------------

  @Test
  void sqsPoisonIsDeadLetteredWithAFullEnvelopeAndAcknowledged() throws Exception {
    TestHandler<SqsMessageEvent> orders = poisonFor(STD_3);

    InvocationOutcome outcome = invoke("sqs/standard-batch.json", orders);

    assertThat(outcome.error()).isNull();
    assertThat(outcome.response()).isEqualTo(batchItemFailures());
    List<JsonNode> envelopes = envelopes(1);
    assertThat(envelopes).hasSize(1);
    JsonNode envelope = envelopes.get(0);
    assertThat(envelope.get("envelopeVersion").intValue()).isEqualTo(DeadLetterEnvelope.VERSION);
    assertThat(envelope.get("source").textValue()).isEqualTo("SQS");
    assertThat(envelope.get("eventId").textValue()).isEqualTo(STD_3);
    assertThat(envelope.get("itemIdentifier").textValue()).isEqualTo(STD_3);
    assertThat(envelope.get("record")).isEqualTo(rawRecord("sqs/standard-batch.json", 2));
    assertThat(envelope.get("recordEncoding").textValue()).isEqualTo("json");
    assertThat(envelope.get("handler").textValue()).isEqualTo("orders");
    assertThat(envelope.get("errorClass").textValue()).isEqualTo(PermanentException.class.getName());
    assertThat(envelope.get("errorMessage").textValue()).isEqualTo("order " + STD_3 + " has no items");
    assertThat(envelope.get("failureKind").textValue()).isEqualTo("PERMANENT");
    assertThat(envelope.get("attempts").intValue()).isEqualTo(2);
    assertThat(envelope.get("firstFailureAt").textValue()).isEqualTo("2026-11-25T12:00:00Z");
    assertThat(envelope.get("lastFailureAt").textValue()).isEqualTo("2026-11-25T12:00:00Z");
    assertThat(envelope.get("correlationId").textValue()).as("no correlationId attribute: the message id").isEqualTo(STD_3);
  }

  @Test
  void sqsRecordRejectedByTheFactoryIsDeadLetteredVerbatim() throws Exception {
    ObjectNode event = SampleEvents.tree("sqs/standard-batch.json");
    ((ObjectNode) event.get("Records").get(1)).put("eventSource", "aws:kinesis");
    JsonNode rejected = event.get("Records").get(1).deepCopy();

    InvocationOutcome outcome =
        entrypoint(deadLetters(), TestHandler.ok("orders", SqsMessageEvent.class)).handle(SampleEvents.stream(event));

    assertThat(outcome.response()).isEqualTo(batchItemFailures());
    List<JsonNode> envelopes = envelopes(1);
    assertThat(envelopes).hasSize(1);
    assertThat(envelopes.get(0).get("record")).isEqualTo(rejected);
    assertThat(envelopes.get(0).get("handler").textValue()).isEqualTo(DeadLetterEnvelope.FACTORY);
    assertThat(envelopes.get(0).get("eventId").textValue()).isEqualTo(STD_2);
    assertThat(envelopes.get(0).get("errorClass").textValue()).isEqualTo(InvalidEventException.class.getName());
  }

  @Test
  void sqsTransientFailureIsReportedAndNotDeadLettered() throws Exception {
    TestHandler<SqsMessageEvent> orders =
        TestHandler.of(
            "orders",
            SqsMessageEvent.class,
            e -> {
              if (e.messageId().equals(STD_1)) {
                throw new IllegalStateException("order service unavailable");
              }
              return null;
            });

    InvocationOutcome outcome = invoke("sqs/standard-batch.json", orders);

    assertThat(outcome.response()).isEqualTo(batchItemFailures(STD_1));
    assertThat(envelopes(0)).isEmpty();
  }

  @Test
  void sqsPoisonStaysFailedWhenTheDeadLetterQueueIsUnreachable() throws Exception {
    InvocationOutcome outcome =
        entrypoint(unreachableDeadLetters(), poisonFor(STD_3)).handle(SampleEvents.stream("sqs/standard-batch.json"));

    assertThat(outcome.response()).isEqualTo(batchItemFailures(STD_3));
    assertThat(logBytes.toString(StandardCharsets.UTF_8)).contains("dead-letter write failed; the record stays failed");
  }

  @Test
  void sqsPoisonStaysFailedWhenTheQueueDoesNotExist() throws Exception {
    String missing = queueUrl + "-missing";
    DeadLetterSink wrongQueue = new SqsDeadLetters(sqs, missing, mapper, log);

    InvocationOutcome outcome = entrypoint(wrongQueue, poisonFor(STD_1)).handle(SampleEvents.stream("sqs/standard-batch.json"));

    assertThat(outcome.response()).isEqualTo(batchItemFailures(STD_1));
  }

  @Test
  void fifoPoisonIsAcknowledgedAndTheRestOfItsGroupRedelivered() throws Exception {
    TestHandler<SqsMessageEvent> orders = poisonFor(A1);

    InvocationOutcome outcome = invoke("sqs/fifo-batch.json", orders);

    assertThat(outcome.response()).isEqualTo(batchItemFailures(A2));
    assertThat(orders.seenIds()).containsExactly(A1, G1, G2);
    List<JsonNode> envelopes = envelopes(1);
    assertThat(envelopes).extracting(e -> e.get("itemIdentifier").textValue()).containsExactly(A1);
  }

  @Test
  void envelopeLargerThanAQueueMessageIsNotCutAndItsRecordStaysFailed() throws Exception {
    ObjectNode event = SampleEvents.tree("sqs/standard-batch.json");
    ((ObjectNode) event.get("Records").get(0)).put("body", "x".repeat(1100 * 1024));

    InvocationOutcome outcome = entrypoint(deadLetters(), poisonFor(STD_1)).handle(SampleEvents.stream(event));

    assertThat(outcome.response()).isEqualTo(batchItemFailures(STD_1));
    assertThat(envelopes(0)).isEmpty();
    assertThat(logBytes.toString(StandardCharsets.UTF_8)).contains("dead-letter envelope too large for the queue");
  }

  @Test
  void manyPoisonRecordsAreWrittenInBatchesOfTen() throws Exception {
    ObjectNode event = SampleEvents.tree("sqs/standard-batch.json");
    var records = event.putArray("Records");
    JsonNode template = rawRecord("sqs/standard-batch.json", 0);
    for (int i = 0; i < 23; i++) {
      ObjectNode copy = template.deepCopy();
      copy.put("messageId", "poison-" + i);
      records.add(copy);
    }
    TestHandler<SqsMessageEvent> orders =
        TestHandler.of("orders", SqsMessageEvent.class, e -> {
          throw new PermanentException("bad order");
        });

    InvocationOutcome outcome = entrypoint(deadLetters(), orders).handle(SampleEvents.stream(event));

    assertThat(outcome.response()).isEqualTo(batchItemFailures());
    assertThat(envelopes(23)).hasSize(23);
  }

  // ---- DynamoDB streams ---------------------------------------------------------------------------------------

  @Test
  void streamPoisonInTheMiddleIsDeadLetteredAndTheBatchGoesOn() throws Exception {
    List<String> applied = new ArrayList<>();
    TestHandler<DataChangeEvent> sync =
        TestHandler.of(
            "sync",
            DataChangeEvent.class,
            e -> {
              if (e.sequenceNumber().equals(SEQ_2)) {
                throw new PermanentException("product without a version");
              }
              applied.add(e.sequenceNumber());
              return null;
            });

    InvocationOutcome outcome = invoke("dynamodb/product-command-changes.json", sync);

    assertThat(outcome.response()).isEqualTo(batchItemFailures());
    assertThat(applied).containsExactly(SEQ_1, SEQ_3, SEQ_4);
    List<JsonNode> envelopes = envelopes(1);
    assertThat(envelopes).hasSize(1);
    JsonNode envelope = envelopes.get(0);
    assertThat(envelope.get("source").textValue()).isEqualTo("DYNAMODB_STREAM");
    assertThat(envelope.get("itemIdentifier").textValue()).isEqualTo(SEQ_2);
    assertThat(envelope.get("eventId").textValue()).isEqualTo("0c46904bc1c2f55408e4ff0116b28267");
    assertThat(envelope.get("record")).isEqualTo(rawRecord("dynamodb/product-command-changes.json", 1));
    assertThat(envelope.get("attempts").intValue()).isEqualTo(1);
    assertThat(outcome.batch().allSucceeded()).isFalse();
    assertThat(outcome.batch().failed()).extracting(r -> r.record().itemIdentifier()).containsExactly(SEQ_2);
  }

  @Test
  void streamPoisonAfterPoisonAndThenATransientFailureReportsTheTransientOne() throws Exception {
    List<String> applied = new ArrayList<>();
    TestHandler<DataChangeEvent> sync =
        TestHandler.of(
            "sync",
            DataChangeEvent.class,
            e -> {
              if (e.sequenceNumber().equals(SEQ_1) || e.sequenceNumber().equals(SEQ_2)) {
                throw new PermanentException("poison " + e.sequenceNumber());
              }
              if (e.sequenceNumber().equals(SEQ_3)) {
                throw new IllegalStateException("read model unavailable");
              }
              applied.add(e.sequenceNumber());
              return null;
            });

    InvocationOutcome outcome = invoke("dynamodb/product-command-changes.json", sync);

    assertThat(outcome.response()).isEqualTo(batchItemFailures(SEQ_3));
    assertThat(applied).isEmpty();
    assertThat(envelopes(2)).extracting(e -> e.get("itemIdentifier").textValue()).containsExactlyInAnyOrder(SEQ_1, SEQ_2);
  }

  @Test
  void streamTransientFailureReportsTheLowestSequenceNumberAndHoldsBackTheRest() throws Exception {
    List<String> applied = new ArrayList<>();
    TestHandler<DataChangeEvent> sync =
        TestHandler.of(
            "sync",
            DataChangeEvent.class,
            e -> {
              if (e.sequenceNumber().equals(SEQ_2)) {
                throw new IllegalStateException("read model unavailable");
              }
              applied.add(e.sequenceNumber());
              return null;
            });

    InvocationOutcome outcome = invoke("dynamodb/product-command-changes.json", sync);

    assertThat(outcome.response()).isEqualTo(batchItemFailures(SEQ_2));
    assertThat(applied).containsExactly(SEQ_1);
    assertThat(envelopes(0)).isEmpty();
  }

  @Test
  void streamPoisonStaysTheLowestFailureWhenTheDeadLetterWriteFails() throws Exception {
    List<String> applied = new ArrayList<>();
    TestHandler<DataChangeEvent> sync =
        TestHandler.of(
            "sync",
            DataChangeEvent.class,
            e -> {
              if (e.sequenceNumber().equals(SEQ_2)) {
                throw new PermanentException("product without a version");
              }
              applied.add(e.sequenceNumber());
              return null;
            });

    InvocationOutcome outcome =
        entrypoint(unreachableDeadLetters(), sync).handle(SampleEvents.stream("dynamodb/product-command-changes.json"));

    assertThat(outcome.response()).isEqualTo(batchItemFailures(SEQ_2));
    assertThat(applied).containsExactly(SEQ_1);
  }

  // ---- asynchronous sources -----------------------------------------------------------------------------------

  @Test
  void s3PoisonIsDeadLetteredAndTheInvocationReturnsNormally() throws Exception {
    TestHandler<S3ObjectEvent> importer =
        TestHandler.of(
            "import",
            S3ObjectEvent.class,
            e -> {
              if (e.key().startsWith("uploads/")) {
                throw new PermanentException("not a CSV: " + e.key());
              }
              return null;
            });

    InvocationOutcome outcome = invoke("s3/object-created-batch.json", importer);

    assertThat(outcome.error()).isNull();
    assertThat(importer.seen()).hasSize(3);
    List<JsonNode> envelopes = envelopes(1);
    assertThat(envelopes).hasSize(1);
    assertThat(envelopes.get(0).get("source").textValue()).isEqualTo("S3");
    assertThat(envelopes.get(0).get("record")).isEqualTo(rawRecord("s3/object-created-batch.json", 2));
    assertThat(envelopes.get(0).get("handler").textValue()).isEqualTo("import");
  }

  @Test
  void eventBridgePoisonIsDeadLetteredAndTheInvocationReturnsNormally() throws Exception {
    InvocationOutcome outcome =
        invoke(
            "eventbridge/custom.json",
            TestHandler.of("ship", EventBridgeEvent.class, e -> {
              throw new PermanentException("unknown carrier");
            }));

    assertThat(outcome.error()).isNull();
    List<JsonNode> envelopes = envelopes(1);
    assertThat(envelopes).hasSize(1);
    assertThat(envelopes.get(0).get("source").textValue()).isEqualTo("EVENT_BRIDGE");
    assertThat(envelopes.get(0).get("eventId").textValue()).isEqualTo("744746c1-ff72-464a-87d2-50718ad8da11");
    assertThat(envelopes.get(0).get("record")).isEqualTo(SampleEvents.tree("eventbridge/custom.json"));
  }

  @Test
  void eventBridgeTransientFailureStillFailsTheInvocation() throws Exception {
    InvocationOutcome outcome =
        invoke(
            "eventbridge/custom.json",
            TestHandler.of("ship", EventBridgeEvent.class, e -> {
              throw new IllegalStateException("carrier API down");
            }));

    assertThat(outcome.error()).isInstanceOf(DeliveryFailedException.class);
    assertThat(envelopes(0)).isEmpty();
  }

  @Test
  void s3PoisonFailsTheInvocationWhenTheDeadLetterWriteFails() throws Exception {
    InvocationOutcome outcome =
        entrypoint(
                unreachableDeadLetters(),
                TestHandler.of("import", S3ObjectEvent.class, e -> {
                  throw new PermanentException("not a CSV");
                }))
            .handle(SampleEvents.stream("s3/object-created-batch.json"));

    assertThat(outcome.error()).isInstanceOf(DeliveryFailedException.class).hasMessageContaining("3 of 3");
  }

  // ---- whole documents ----------------------------------------------------------------------------------------

  @Test
  void unknownSourceDocumentIsDeadLetteredAsItsRawText() throws Exception {
    InvocationOutcome outcome = invoke("bad/unknown-source.json", TestHandler.ok("any", DomainEvent.class));

    assertThat(outcome.error()).isNull();
    assertThat(outcome.batch()).isNull();
    List<JsonNode> envelopes = envelopes(1);
    assertThat(envelopes).hasSize(1);
    JsonNode envelope = envelopes.get(0);
    assertThat(envelope.get("record").textValue()).isEqualTo(SampleEvents.text("bad/unknown-source.json"));
    assertThat(envelope.get("recordEncoding").textValue()).isEqualTo("text");
    assertThat(envelope.get("source").isNull()).isTrue();
    assertThat(envelope.get("handler").textValue()).isEqualTo(DeadLetterEnvelope.FACTORY);
    assertThat(envelope.get("errorClass").textValue()).isEqualTo(InvalidEventException.class.getName());
    assertThat(envelope.get("errorMessage").textValue()).contains("unknown event source");
  }

  @Test
  void truncatedDocumentIsDeadLetteredAsItsRawText() throws Exception {
    InvocationOutcome outcome = invoke("bad/truncated.json", TestHandler.ok("any", DomainEvent.class));

    assertThat(outcome.error()).isNull();
    assertThat(envelopes(1).get(0).get("record").textValue()).isEqualTo(SampleEvents.text("bad/truncated.json"));
  }

  @Test
  void documentThatIsNotUtf8IsDeadLetteredInBase64() throws Exception {
    byte[] bytes = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};

    InvocationOutcome outcome = entrypoint(deadLetters()).handle(new ByteArrayInputStream(bytes));

    assertThat(outcome.error()).isNull();
    JsonNode envelope = envelopes(1).get(0);
    assertThat(envelope.get("recordEncoding").textValue()).isEqualTo("base64");
    assertThat(Base64.getDecoder().decode(envelope.get("record").textValue())).isEqualTo(bytes);
  }

  @Test
  void unknownDocumentStillFailsWhenTheDeadLetterWriteFails() throws Exception {
    InputStream document = SampleEvents.stream("bad/unknown-source.json");

    InvocationOutcome outcome = entrypoint(unreachableDeadLetters()).handle(document);

    assertThat(outcome.error()).isInstanceOf(InvalidEventException.class);
  }

  // ---- not configured -----------------------------------------------------------------------------------------

  @Test
  void withoutADeadLetterQueuePermanentFailuresStayFailedAsBefore() throws Exception {
    DeadLetterSink none = DeadLetterSink.none();

    assertThat(entrypoint(none, poisonFor(STD_3)).handle(SampleEvents.stream("sqs/standard-batch.json")).response())
        .isEqualTo(batchItemFailures(STD_3));
    assertThat(entrypoint(none).handle(SampleEvents.stream("bad/unknown-source.json")).error())
        .isInstanceOf(InvalidEventException.class);
    assertThat(
            entrypoint(none, TestHandler.of("sync", DataChangeEvent.class, e -> {
                  if (e.sequenceNumber().equals(SEQ_2)) {
                    throw new PermanentException("poison");
                  }
                  return null;
                }))
                .handle(SampleEvents.stream("dynamodb/product-command-changes.json"))
                .response())
        .isEqualTo(batchItemFailures(SEQ_2));
    assertThat(envelopes(0)).isEmpty();
  }

  @Test
  void deadLetterQueueIsConfiguredOnlyByItsVariable() {
    assertThat(DeadLetterSettings.fromEnvironment(Map.of()).configured()).isFalse();
    assertThat(DeadLetterSettings.fromEnvironment(Map.of("SUITE_DEAD_LETTER_QUEUE_URL", " ")).configured()).isFalse();
    assertThat(DeadLetterSettings.fromEnvironment(Map.of("SUITE_DEAD_LETTER_QUEUE_URL", queueUrl)).queueUrl()).isEqualTo(queueUrl);
  }
}
