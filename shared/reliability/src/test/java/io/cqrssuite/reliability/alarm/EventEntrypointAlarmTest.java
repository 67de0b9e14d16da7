package io.cqrssuite.reliability.alarm;

import io.cqrssuite.sync.DataSyncDispatcher;
import io.cqrssuite.fixtures.ProductTables;
import io.cqrssuite.entity.VersionSource;
import io.cqrssuite.entity.EntityMapping;
import io.cqrssuite.entity.TableMappings;
import io.cqrssuite.entity.TableMapping;
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
import io.cqrssuite.entrypoint.EventEntrypoint;
import io.cqrssuite.entrypoint.InvocationOutcome;
import io.cqrssuite.event.SqsMessageEvent;
import io.cqrssuite.factory.DefaultEventFactory;
import io.cqrssuite.factory.EventDecoder;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.failure.PermanentException;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.deadletter.DeadLetterEnvelope;
import io.cqrssuite.deadletter.DeadLetterSink;
import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.fixtures.TestHandler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sns.SnsClient;

/** The entrypoint raises alarms for what it dead-letters (contract §5), naming ids, never record contents. */
class EventEntrypointAlarmTest {
  private static final String TOPIC = "arn:aws:sns:us-east-1:000000000000:suite-alarms";
  private static final String STD_2 = "664b366e-a514-4407-b17c-641b8955b44e";
  private static final String STD_3 = "a386bc2f-94b4-431f-ae7e-50344ef58e58";
  private static final String A1 = "7c0eca6a-e404-4952-a9bb-09aa3c1a379f";
  private static final String SECRET = "CONTENTS-4d1f9b-card-4111111111111111";
  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

  private final ObjectMapper mapper = EventJson.newMapper();
  private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
  private final StructuredLog log =
      new StructuredLog("alarm-entrypoint-test", new PrintStream(logBytes, true, StandardCharsets.UTF_8), StructuredLog.Level.DEBUG);
  private final List<DeadLetterEnvelope> stored = new ArrayList<>();
  private FakeSns sns;
  private SnsClient snsClient;

  @BeforeEach
  void setUp() throws Exception {
    sns = new FakeSns();
    AwsSettings settings = new AwsSettings("us-east-1", Map.of("SNS", sns.endpoint()), null, 1, Duration.ofSeconds(5));
    snsClient = new AwsClients(settings)
        .configure(SnsClient.builder(), "SNS")
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .build();
  }

  @AfterEach
  void tearDown() {
    snsClient.close();
    sns.close();
  }

  private DeadLetterSink deadLetters(boolean works) {
    return new DeadLetterSink() {
      @Override
      public boolean configured() {
        return true;
      }

      @Override
      public List<Write> write(List<DeadLetterEnvelope> envelopes) {
        List<Write> writes = new ArrayList<>();
        for (DeadLetterEnvelope envelope : envelopes) {
          if (works) {
            stored.add(envelope);
            writes.add(new Write(envelope, null));
          } else {
            writes.add(new Write(envelope, new IllegalStateException("queue unreachable")));
          }
        }
        return writes;
      }
    };
  }

  private EventEntrypoint entrypoint(DeadLetterSink deadLetters, EventHandler<?>... handlers) {
    Set<EventHandler<?>> set = new LinkedHashSet<>(List.of(handlers));
    AlarmPublisher alarms =
        new AlarmPublisher(snsClient, TOPIC, null, Duration.ofMinutes(5), "catalog", mapper, log, Clock.fixed(NOW, ZoneOffset.UTC));
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
        .alarms(alarms)
        .build();
  }

  private static TestHandler<SqsMessageEvent> poisonFor(String... messageIds) {
    Set<String> poison = Set.of(messageIds);
    return TestHandler.of(
        "orders",
        SqsMessageEvent.class,
        e -> {
          if (poison.contains(e.messageId())) {
            throw new PermanentException("order has no items");
          }
          return null;
        });
  }

  /** The standard batch with the distinctive string in every record's body and attributes. */
  private static ObjectNode batchWithSecrets(String sample) {
    ObjectNode event = SampleEvents.tree(sample);
    for (JsonNode record : event.get("Records")) {
      ObjectNode body;
      try {
        body = (ObjectNode) EventJson.newMapper().readTree(record.get("body").textValue());
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      body.put("cardNumber", SECRET);
      ((ObjectNode) record).put("body", body.toString());
    }
    return event;
  }

  @Test
  void deadLetteredPoisonRaisesOneErrorAlarmPerFingerprintWithIdsAndNoRecordContents() throws Exception {
    InvocationOutcome outcome =
        entrypoint(deadLetters(true), poisonFor(STD_2, STD_3)).handle(SampleEvents.stream(batchWithSecrets("sqs/standard-batch.json")));

    assertThat(outcome.error()).isNull();
    assertThat(stored).hasSize(2);
    assertThat(stored.get(0).record().toString()).as("the envelope does hold the record").contains(SECRET);
    List<FakeSns.Request> requests = sns.requests();
    assertThat(requests).hasSize(1);
    FakeSns.Request publish = requests.get(0);
    assertThat(publish.subject()).isEqualTo("[ERROR] catalog: PermanentException in orders (2) - order has no items");
    JsonNode body = mapper.readTree(publish.message());
    assertThat(body.get("eventIds")).extracting(JsonNode::textValue).containsExactly(STD_2, STD_3);
    assertThat(body.get("count").intValue()).isEqualTo(2);
    assertThat(publish.body()).doesNotContain(SECRET).doesNotContain("4111111111111111").doesNotContain("O-1002");
    assertThat(publish.message()).doesNotContain(SECRET).doesNotContain("ORDER_CREATED");
  }

  @Test
  void aFailedDeadLetterWriteRaisesACriticalAlarm() throws Exception {
    InvocationOutcome outcome =
        entrypoint(deadLetters(false), poisonFor(STD_3)).handle(SampleEvents.stream(batchWithSecrets("sqs/standard-batch.json")));

    assertThat(outcome.response().get("batchItemFailures")).hasSize(1);
    List<FakeSns.Request> requests = sns.requests();
    assertThat(requests).hasSize(1);
    assertThat(requests.get(0).subject()).startsWith("[CRITICAL] catalog: PermanentException in orders (1)");
    assertThat(requests.get(0).body()).doesNotContain(SECRET);
  }

  @Test
  void aDeadLetteredFifoPoisonRaisesAWarning() throws Exception {
    entrypoint(deadLetters(true), poisonFor(A1)).handle(SampleEvents.stream(batchWithSecrets("sqs/fifo-batch.json")));

    List<FakeSns.Request> requests = sns.requests();
    assertThat(requests).hasSize(1);
    assertThat(requests.get(0).subject()).startsWith("[WARNING] catalog: PermanentException in orders (1)");
    assertThat(mapper.readTree(requests.get(0).message()).get("eventIds").get(0).textValue()).isEqualTo(A1);
  }

  @Test
  void anSnsOutageNeverChangesTheOutcome() throws Exception {
    sns.failWith(500);

    InvocationOutcome outcome =
        entrypoint(deadLetters(true), poisonFor(STD_3)).handle(SampleEvents.stream(batchWithSecrets("sqs/standard-batch.json")));

    assertThat(outcome.error()).isNull();
    assertThat(outcome.response().get("batchItemFailures")).isEmpty();
    assertThat(logBytes.toString(StandardCharsets.UTF_8)).contains("alarm could not be published to SNS");
  }

  @Test
  void noAlarmWithoutFailures() {
    entrypoint(deadLetters(true), TestHandler.ok("orders", SqsMessageEvent.class))
        .handle(SampleEvents.stream(batchWithSecrets("sqs/standard-batch.json")));

    assertThat(sns.requests()).isEmpty();
  }

  @Test
  void aMappedTableWhoseRecordsLackTheirVersionRaisesOneAlarmPerTableNotOnePerRecord() throws Exception {
    TableMapping byId =
        TableMapping.of("ExampleTableWithStream", EntityMapping.singleKey("message", "Id", new VersionSource.IntegerAttribute("version")));
    DataSyncDispatcher dispatcher =
        DataSyncDispatcher.builder(Set.of())
            .mappings(new TableMappings(List.of(ProductTables.COMMAND_MAPPING, byId)))
            .build();
    AlarmPublisher alarms =
        new AlarmPublisher(snsClient, TOPIC, null, Duration.ofMinutes(5), "catalog", mapper, log, Clock.fixed(NOW, ZoneOffset.UTC));
    EventEntrypoint entrypoint =
        EventEntrypoint.builder(
                mapper,
                new EventDecoder(mapper, new DefaultEventFactory()),
                BatchProcessor.builder(new EventBus(Set.of(), UnhandledEvents.FAIL)).batchHandlers(Set.of(dispatcher)).build())
            .log(log)
            .deadLetters(deadLetters(true))
            .clock(Clock.fixed(NOW, ZoneOffset.UTC))
            .alarms(alarms)
            .build();
    ObjectNode products = SampleEvents.tree("dynamodb/product-command-changes.json");
    for (JsonNode record : products.get("Records")) {
      ((ObjectNode) record.get("dynamodb").get("NewImage")).remove("version");
    }

    InvocationOutcome first = entrypoint.handle(SampleEvents.stream(products));
    InvocationOutcome second = entrypoint.handle(SampleEvents.stream("dynamodb/id-keyed-table.json"));

    assertThat(first.deadLettered()).isEqualTo(4);
    assertThat(second.deadLettered()).isEqualTo(3);
    assertThat(stored).extracting(DeadLetterEnvelope::handler)
        .containsOnly("TableMapping[" + ProductTables.COMMAND + "]", "TableMapping[ExampleTableWithStream]");
    List<FakeSns.Request> requests = sns.requests();
    assertThat(requests).hasSize(2);
    assertThat(requests.get(0).subject()).startsWith("[ERROR] catalog: MappingException in TableMapping[" + ProductTables.COMMAND);
    assertThat(mapper.readTree(requests.get(0).message()).get("count").intValue()).isEqualTo(4);
    assertThat(mapper.readTree(requests.get(1).message()).get("count").intValue()).isEqualTo(3);
    assertThat(mapper.readTree(requests.get(1).message()).get("errorMessage").textValue())
        .isEqualTo("table 'ExampleTableWithStream': attribute 'version' is missing: every change of a mapped table needs its version");
    dispatcher.close();
  }
}
