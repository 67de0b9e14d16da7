package io.cqrssuite.corpus;

import io.cqrssuite.fixtures.ProductTables;
import io.cqrssuite.fixtures.SampleEvents;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.bus.BatchProcessor;
import io.cqrssuite.bus.EventBus;
import io.cqrssuite.bus.EventHandler;
import io.cqrssuite.bus.RecordResult;
import io.cqrssuite.bus.UnhandledEvents;
import io.cqrssuite.entrypoint.EventEntrypoint;
import io.cqrssuite.entrypoint.InvocationOutcome;
import io.cqrssuite.event.DataChangeEvent;
import io.cqrssuite.event.DomainEvent;
import io.cqrssuite.event.EventSource;
import io.cqrssuite.event.InvalidEventException;
import io.cqrssuite.event.SqsMessageEvent;
import io.cqrssuite.factory.DefaultEventFactory;
import io.cqrssuite.factory.EventDecoder;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.deadletter.DeadLetterEnvelope;
import io.cqrssuite.deadletter.DeadLetterSink;
import io.cqrssuite.testing.aws.FakeStepFunctions;
import io.cqrssuite.workflow.StepFunctionsTaskCallbacks;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The bad-input corpus ({@code events/bad/corpus/}, made by {@link BadInputCorpus}): every file goes through the
 * entrypoint with a dead-letter destination. Nothing crashes; every bad record is rejected with a reason and lands
 * in the dead letters; the well-formed records beside it are processed.
 */
class BadInputCorpusTest {
  private static final Path EVENTS = SampleEvents.repositoryRoot().resolve("events");
  private static final Path CORPUS = EVENTS.resolve("bad").resolve("corpus");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Keeps every envelope; always stores. */
  static final class RecordingDeadLetters implements DeadLetterSink {
    final List<DeadLetterEnvelope> stored = new ArrayList<>();

    @Override
    public boolean configured() {
      return true;
    }

    @Override
    public List<Write> write(List<DeadLetterEnvelope> envelopes) {
      stored.addAll(envelopes);
      return envelopes.stream().map(e -> new Write(e, null)).toList();
    }
  }

  /** Takes every event; checks what a real handler would: a change's entity, an order message's JSON body. */
  static final class StrictHandler implements EventHandler<DomainEvent> {
    @Override
    public Class<DomainEvent> eventType() {
      return DomainEvent.class;
    }

    @Override
    public Object handle(DomainEvent event) throws Exception {
      if (event instanceof DataChangeEvent change) {
        ProductTables.resolve(change);
      }
      if (event instanceof SqsMessageEvent message && message.messageType() != null) {
        try {
          JSON.readTree(message.body());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw new InvalidEventException("body", "not JSON: " + e.getOriginalMessage(), e);
        }
      }
      return null;
    }
  }

  @Test
  void theCorpusInTheRepositoryIsWhatTheGeneratorMakesAndHasAtLeast200Inputs() throws Exception {
    List<BadInputCorpus.Case> cases = BadInputCorpus.generate(EVENTS);
    assertThat(cases).hasSizeGreaterThanOrEqualTo(200);
    Set<String> files;
    try (Stream<Path> list = Files.list(CORPUS)) {
      files = new TreeSet<>(list.map(p -> p.getFileName().toString()).filter(n -> !n.equals("MANIFEST.json")).toList());
    }
    assertThat(files).as("run BadInputCorpus.main to regenerate").containsExactlyInAnyOrderElementsOf(cases.stream().map(BadInputCorpus.Case::name).toList());
    for (BadInputCorpus.Case c : cases) {
      assertThat(Files.readAllBytes(CORPUS.resolve(c.name()))).as(c.name()).isEqualTo(c.content());
    }
  }

  @Test
  void everyBadInputIsRejectedWithAReasonAndDeadLetteredWhileTheGoodRecordsBesideItAreProcessed() throws Exception {
    String key = System.getProperty("aws.accessKeyId");
    String secret = System.getProperty("aws.secretAccessKey");
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
    try (FakeStepFunctions stepFunctions = FakeStepFunctions.start();
        SfnClient sfn =
            new AwsClients(AwsSettings.fromEnvironment(Map.of("AWS_REGION", "us-east-1", "AWS_ENDPOINT_URL_SFN", "http://127.0.0.1:" + stepFunctions.port())))
                .configure(SfnClient.builder(), "SFN").build()) {
      runCorpus(stepFunctions, new StepFunctionsTaskCallbacks(sfn, QUIET));
    } finally {
      restore("aws.accessKeyId", key);
      restore("aws.secretAccessKey", secret);
    }
  }

  private static final StructuredLog QUIET = new StructuredLog("corpus", new PrintStream(OutputStream.nullOutputStream()), StructuredLog.Level.ERROR);

  private static void restore(String name, String value) {
    if (value == null) {
      System.clearProperty(name);
    } else {
      System.setProperty(name, value);
    }
  }

  private void runCorpus(FakeStepFunctions stepFunctions, StepFunctionsTaskCallbacks callbacks) throws Exception {
    int rejectedRecords = 0;
    int wholeDocuments = 0;
    int goodRecords = 0;
    for (BadInputCorpus.Case c : BadInputCorpus.generate(EVENTS)) {
      RecordingDeadLetters deadLetters = new RecordingDeadLetters();
      ObjectMapper mapper = EventJson.newMapper();
      EventEntrypoint entrypoint =
          EventEntrypoint.builder(
                  mapper,
                  new EventDecoder(mapper, new DefaultEventFactory()),
                  BatchProcessor.builder(new EventBus(Set.of(new StrictHandler()), UnhandledEvents.FAIL)).build())
              .taskCallbacks(() -> callbacks)
              .log(QUIET)
              .deadLetters(deadLetters)
              .build();
      stepFunctions.reset();

      InvocationOutcome outcome = entrypoint.handle(new ByteArrayInputStream(c.content()));

      if (outcome.source() == EventSource.STEP_FUNCTIONS) {
        // A task is answered to Step Functions, not dead-lettered (contract §5): with its token as a permanent task
        // failure, without one as the invocation's error, which the state's Catch sees.
        rejectedRecords++;
        if (stepFunctions.calls().isEmpty()) {
          assertThat(outcome.failed()).as(c.name()).isTrue();
          assertThat(outcome.error().getMessage()).as(c.name()).isNotBlank();
        } else {
          assertThat(stepFunctions.calls()).as(c.name()).singleElement()
              .satisfies(call -> assertThat(call.body().path("error").asText()).isEqualTo("CqrsSuite.PermanentError"));
        }
        continue;
      }

      assertThat(outcome.failed()).as(c.name() + ": dead-lettered, so the invocation ends normally: " + outcome.error()).isFalse();
      if (outcome.batch() == null) {
        wholeDocuments++;
        assertThat(deadLetters.stored).as(c.name()).singleElement().satisfies(e -> assertThat(e.errorMessage()).isNotBlank());
        assertThat(outcome.deadLettered()).as(c.name()).isEqualTo(1);
        continue;
      }
      Set<String> deadLettered = new TreeSet<>();
      deadLetters.stored.forEach(e -> deadLettered.add(String.valueOf(e.itemIdentifier())));
      int failedHere = 0;
      for (RecordResult record : outcome.batch().records()) {
        int index = record.record().index();
        if (c.good().contains(index)) {
          goodRecords++;
          assertThat(record.succeeded()).as(c.name() + " record " + index + ": " + record.reason()).isTrue();
        } else {
          failedHere++;
          assertThat(record.succeeded()).as(c.name() + " record " + index + " is bad").isFalse();
          assertThat(record.reason()).as(c.name()).isNotBlank();
          assertThat(deadLettered).as(c.name() + " record " + index).contains(String.valueOf(record.record().itemIdentifier()));
        }
      }
      rejectedRecords += failedHere;
      assertThat(outcome.deadLettered()).as(c.name()).isEqualTo(failedHere);
      if (outcome.response() != null && outcome.response().has("batchItemFailures")) {
        JsonNode failures = outcome.response().get("batchItemFailures");
        assertThat(failures).as(c.name() + ": nothing left to redeliver").isEmpty();
      }
    }
    assertThat(wholeDocuments + rejectedRecords).isGreaterThanOrEqualTo(150);
    assertThat(goodRecords).isGreaterThan(100);
  }
}
