package io.cqrssuite.reliability.deadletter;

import io.cqrssuite.deadletter.DeadLetterSink;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.bus.BatchProcessor;
import io.cqrssuite.bus.EventBus;
import io.cqrssuite.bus.EventHandler;
import io.cqrssuite.bus.UnhandledEvents;
import io.cqrssuite.entrypoint.EventEntrypoint;
import io.cqrssuite.event.SqsMessageEvent;
import io.cqrssuite.factory.DefaultEventFactory;
import io.cqrssuite.factory.EventDecoder;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.failure.PermanentException;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.fixtures.TestHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** list / export / replay of the dead-letter queue against ElasticMQ in this JVM. */
class DeadLetterQueueToolsTest {
  // sqs/standard-batch.json
  private static final String STD_2 = "664b366e-a514-4407-b17c-641b8955b44e";
  private static final String STD_3 = "a386bc2f-94b4-431f-ae7e-50344ef58e58";
  private static final Instant T1 = Instant.parse("2026-11-25T12:00:00Z");
  private static final Instant T2 = Instant.parse("2026-11-25T13:30:00Z");

  private static final String[] CREDENTIAL_PROPERTIES = {"aws.accessKeyId", "aws.secretAccessKey"};
  private static final Map<String, String> savedProperties = new LinkedHashMap<>();
  private static SQSRestServer server;
  private static SqsClient sqs;
  private static int queues;

  private final ObjectMapper mapper = EventJson.newMapper();
  private final StructuredLog log =
      new StructuredLog("dlq-tools-test", new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), StructuredLog.Level.DEBUG);
  private String queueUrl;

  @BeforeAll
  static void startSqs() {
    for (String name : CREDENTIAL_PROPERTIES) {
      savedProperties.put(name, System.getProperty(name));
      System.setProperty(name, "test");
    }
    server = SQSRestServerBuilder.withDynamicPort().withInterface("127.0.0.1").start();
    int port = server.waitUntilStarted().localAddress().getPort();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:" + port);
    env.put("SUITE_AWS_MAX_ATTEMPTS", "1");
    env.put("SUITE_AWS_CALL_TIMEOUT_MS", "5000");
    sqs = new AwsClients(AwsSettings.fromEnvironment(env)).configure(SqsClient.builder(), "SQS").build();
  }

  @AfterAll
  static void stopSqs() {
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
  void freshQueue() {
    queueUrl = sqs.createQueue(b -> b.queueName("suite-dlq-tools-" + (++queues))).queueUrl();
  }

  private EventEntrypoint entrypoint(DeadLetterSink deadLetters, Instant now, EventHandler<?>... handlers) {
    Set<EventHandler<?>> set = new LinkedHashSet<>(List.of(handlers));
    return EventEntrypoint.builder(
            mapper,
            new EventDecoder(mapper, new DefaultEventFactory()),
            BatchProcessor.builder(new EventBus(set, UnhandledEvents.FAIL)).build())
        .taskCallbacks(() -> {
          throw new AssertionError("no task callbacks");
        })
        .log(log)
        .deadLetters(deadLetters)
        .clock(Clock.fixed(now, ZoneOffset.UTC))
        .build();
  }

  private DeadLetterSink deadLetters() {
    return new SqsDeadLetters(sqs, queueUrl, mapper, log);
  }

  private static TestHandler<SqsMessageEvent> poisonFor(String messageId) {
    return TestHandler.of("orders", SqsMessageEvent.class, e -> {
      if (e.messageId().equals(messageId)) {
        throw new PermanentException("order " + messageId + " has no items");
      }
      return null;
    });
  }

  /** Dead-letters STD_2 at T1 and STD_3 at T2 through the real entrypoint. */
  private void twoPoisons() {
    entrypoint(deadLetters(), T1, poisonFor(STD_2)).handle(SampleEvents.stream("sqs/standard-batch.json"));
    entrypoint(deadLetters(), T2, poisonFor(STD_3)).handle(SampleEvents.stream("sqs/standard-batch.json"));
  }

  private int[] counts() {
    Map<QueueAttributeName, String> attributes =
        sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
            .attributes();
    return new int[] {
      Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)),
      Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
    };
  }

  private DeadLetterReader reader() {
    return new DeadLetterReader(sqs, null, queueUrl, mapper, Clock.fixed(Instant.parse("2026-11-26T08:00:00Z"), ZoneOffset.UTC));
  }

  private DeadLetterReplay replay() {
    return new DeadLetterReplay(sqs, null, queueUrl, mapper, DeadLetterReplay.DEFAULT_VISIBILITY_SECONDS);
  }

  private static List<String> eventIds(List<DeadLetterReader.Entry> entries) {
    return entries.stream().map(e -> e.envelope().get("eventId").textValue()).sorted().toList();
  }

  @Test
  void listPeeksWithoutConsuming() {
    twoPoisons();

    List<DeadLetterReader.Entry> first = reader().list(10);
    List<DeadLetterReader.Entry> second = reader().list(10);

    assertThat(eventIds(first)).containsExactlyInAnyOrder(STD_2, STD_3);
    assertThat(eventIds(second)).isEqualTo(eventIds(first));
    assertThat(first.get(0).envelope().get("record").get("messageId")).isNotNull();
    assertThat(counts()).containsExactly(2, 0);
    assertThat(reader().list(1)).hasSize(1);
    assertThat(counts()).containsExactly(2, 0);
  }

  @Test
  void exportWritesAMetaLineAndChecksumsThatVerify(@TempDir Path dir) throws Exception {
    twoPoisons();
    Path file = dir.resolve("dead-letters.ndjson");

    DeadLetterReader.Export export = reader().export(file, 10);

    byte[] whole = Files.readAllBytes(file);
    String text = new String(whole, StandardCharsets.UTF_8);
    int firstNewline = text.indexOf('\n');
    JsonNode meta = mapper.readTree(text.substring(0, firstNewline)).get("__meta__");
    byte[] rest = text.substring(firstNewline + 1).getBytes(StandardCharsets.UTF_8);
    assertThat(meta.get("source").textValue()).isEqualTo(queueUrl);
    assertThat(meta.get("count").intValue()).isEqualTo(2);
    assertThat(meta.get("from").textValue()).isEqualTo(T1.toString());
    assertThat(meta.get("to").textValue()).isEqualTo(T2.toString());
    assertThat(meta.get("exportedAt").textValue()).isEqualTo("2026-11-26T08:00:00Z");
    assertThat(meta.get("sha256").textValue()).isEqualTo(DeadLetterReader.sha256(rest)).isEqualTo(export.sha256());
    List<String> lines = text.substring(firstNewline + 1).lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.stream().map(l -> {
      try {
        return mapper.readTree(l).get("eventId").textValue();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    })).containsExactlyInAnyOrder(STD_2, STD_3);
    String checksum = Files.readString(dir.resolve("dead-letters.ndjson.sha256"));
    assertThat(checksum).isEqualTo(DeadLetterReader.sha256(whole) + "  dead-letters.ndjson\n");
    assertThat(counts()).as("export does not consume").containsExactly(2, 0);
    if (onPath("sha256sum")) {
      Process check = new ProcessBuilder("sha256sum", "-c", "dead-letters.ndjson.sha256").directory(dir.toFile()).redirectErrorStream(true).start();
      assertThat(check.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(check.exitValue()).as(new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
    }
  }

  private static boolean onPath(String command) {
    for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(directory, command))) {
        return true;
      }
    }
    return false;
  }

  @Test
  void replayAfterTheHandlerIsFixedHandlesTheOriginalEventAndDeletesTheMessage() {
    AtomicInteger calls = new AtomicInteger();
    TestHandler<SqsMessageEvent> flaky = TestHandler.of("orders", SqsMessageEvent.class, e -> {
      if (e.messageId().equals(STD_3) && calls.incrementAndGet() == 1) {
        throw new PermanentException("order has no items");
      }
      return null;
    });
    entrypoint(deadLetters(), T1, flaky).handle(SampleEvents.stream("sqs/standard-batch.json"));
    assertThat(counts()).containsExactly(1, 0);
    int before = flaky.seenIds().size();

    DeadLetterReplay.Summary summary = replay().replay(10, entrypoint(DeadLetterSink.none(), T2, flaky));

    assertThat(summary.replayed()).isEqualTo(1);
    assertThat(summary.failed()).isZero();
    assertThat(summary.skipped()).isZero();
    assertThat(flaky.seenIds().subList(before, flaky.seenIds().size())).containsExactly(STD_3);
    assertThat(summary.items().get(0).eventId()).isEqualTo(STD_3);
    assertThat(counts()).containsExactly(0, 0);

    DeadLetterReplay.Summary again = replay().replay(10, entrypoint(DeadLetterSink.none(), T2, flaky));
    assertThat(again.replayed() + again.failed() + again.skipped()).isZero();
    assertThat(flaky.seenIds()).hasSize(before + 1);
  }

  @Test
  void replayThroughALambdaHandlerUsesTheSameEntrypoint() {
    twoPoisons();
    TestHandler<SqsMessageEvent> fixed = TestHandler.ok("orders", SqsMessageEvent.class);
    EventEntrypoint entrypoint = entrypoint(DeadLetterSink.none(), T2, fixed);
    RequestStreamHandler handler = (in, out, context) -> {
      var outcome = entrypoint.handle(in);
      if (outcome.failed()) {
        throw new IllegalStateException(outcome.error());
      }
      out.write(mapper.writeValueAsBytes(outcome.response()));
    };

    DeadLetterReplay.Summary summary = replay().replay(10, handler);

    assertThat(summary.replayed()).isEqualTo(2);
    assertThat(fixed.seenIds()).containsExactlyInAnyOrder(STD_2, STD_3);
    assertThat(counts()).containsExactly(0, 0);
  }

  @Test
  void aWholeDocumentEnvelopeIsSkippedAndLeftOnTheQueue() {
    entrypoint(deadLetters(), T1, TestHandler.ok("orders", SqsMessageEvent.class))
        .handle(new ByteArrayInputStream("this is no event".getBytes(StandardCharsets.UTF_8)));
    assertThat(counts()).containsExactly(1, 0);

    DeadLetterReplay.Summary summary = replay().replay(10, entrypoint(DeadLetterSink.none(), T2, TestHandler.ok("orders", SqsMessageEvent.class)));

    assertThat(summary.skipped()).isEqualTo(1);
    assertThat(summary.replayed()).isZero();
    assertThat(summary.items().get(0).reason()).contains("text");
    assertThat(counts()).as("skipped: visible again at once").containsExactly(1, 0);
    assertThat(reader().list(10).get(0).envelope().get("recordEncoding").textValue()).isEqualTo("text");
  }

  @Test
  void aReplayThatFailsAgainLeavesTheMessage() {
    entrypoint(deadLetters(), T1, poisonFor(STD_3)).handle(SampleEvents.stream("sqs/standard-batch.json"));

    DeadLetterReplay.Summary summary = replay().replay(10, entrypoint(DeadLetterSink.none(), T2, poisonFor(STD_3)));

    assertThat(summary.failed()).isEqualTo(1);
    assertThat(summary.replayed()).isZero();
    assertThat(summary.items().get(0).reason()).contains(STD_3);
    assertThat(counts()).as("still on the queue, hidden until its visibility timeout expires").containsExactly(0, 1);
  }

  @Test
  void aRecordDeadLetteredAgainDuringReplayCountsAsFailed() {
    entrypoint(deadLetters(), T1, poisonFor(STD_3)).handle(SampleEvents.stream("sqs/standard-batch.json"));

    DeadLetterReplay.Summary summary = replay().replay(10, entrypoint(deadLetters(), T2, poisonFor(STD_3)));

    assertThat(summary.failed()).isEqualTo(1);
    assertThat(summary.replayed()).isZero();
    assertThat(summary.items()).hasSize(1);
    assertThat(counts()).as("the original stays hidden, its new envelope is visible").containsExactly(1, 1);
  }
}
