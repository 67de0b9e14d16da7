package io.cqrssuite.bus;

import io.cqrssuite.entity.MappingException;
import io.cqrssuite.fixtures.ProductTables;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.bus.RecordResult.Status;
import io.cqrssuite.event.DataChangeEvent;
import io.cqrssuite.event.DomainEvent;
import io.cqrssuite.event.EventSource;
import io.cqrssuite.event.InvalidEventException;
import io.cqrssuite.event.S3ObjectEvent;
import io.cqrssuite.event.SqsMessageEvent;
import io.cqrssuite.factory.DefaultEventFactory;
import io.cqrssuite.factory.EventDecoder;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.factory.InboundBatch;
import io.cqrssuite.failure.FailureKind;
import io.cqrssuite.failure.PermanentException;
import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.fixtures.TestHandler;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatchProcessorTest {
  // sqs/standard-batch.json
  private static final String STD_1 = "04d332cb-e7df-4ddb-9cfe-3d1286abfdd2";
  private static final String STD_2 = "664b366e-a514-4407-b17c-641b8955b44e";
  private static final String STD_3 = "a386bc2f-94b4-431f-ae7e-50344ef58e58";
  // sqs/fifo-batch.json: group acme = A1, A2; group globex = G1, G2
  private static final String A1 = "7c0eca6a-e404-4952-a9bb-09aa3c1a379f";
  private static final String A2 = "d9219eaa-8f29-4b3e-90da-9eed20dc141f";
  private static final String G1 = "b4352cde-87da-4e42-bf61-bafd0ed5cc4e";
  private static final String G2 = "6b6dcc3f-56d7-4a6a-8cff-a87e08f16421";

  private final ObjectMapper mapper = EventJson.newMapper();
  private final EventDecoder decoder = new EventDecoder(mapper, new DefaultEventFactory());

  private InboundBatch decode(String sample) {
    return decoder.decode(SampleEvents.stream(sample));
  }

  private static BatchProcessor processor(UnhandledEvents unhandled, EventHandler<?>... handlers) {
    Set<EventHandler<?>> set = new LinkedHashSet<>(List.of(handlers));
    return BatchProcessor.builder(new EventBus(set, unhandled)).build();
  }

  private static BatchProcessor processor(EventHandler<?>... handlers) {
    return processor(UnhandledEvents.FAIL, handlers);
  }

  /** An SQS handler that fails for the given message ids with {@code error}. */
  private static TestHandler<SqsMessageEvent> failingFor(RuntimeException error, String... messageIds) {
    Set<String> ids = Set.of(messageIds);
    return TestHandler.of(
        "orders",
        SqsMessageEvent.class,
        e -> {
          if (ids.contains(e.messageId())) {
            throw error;
          }
          return "done " + e.messageId();
        });
  }

  private static List<Status> statuses(BatchResult result) {
    return result.records().stream().map(RecordResult::status).toList();
  }

  @Test
  void standardQueueRecordsAreIndependent() {
    IllegalStateException boom = new IllegalStateException("database busy");
    TestHandler<SqsMessageEvent> handler = failingFor(boom, STD_2);

    BatchResult result = processor(handler).process(decode("sqs/standard-batch.json"));

    assertThat(statuses(result)).containsExactly(Status.SUCCEEDED, Status.FAILED, Status.SUCCEEDED);
    assertThat(handler.seenIds()).containsExactly(STD_1, STD_2, STD_3);
    RecordResult failed = result.records().get(1);
    assertThat(failed.failure()).isSameAs(boom);
    assertThat(failed.failureKind()).isEqualTo(FailureKind.TRANSIENT);
    assertThat(failed.reason()).as("a foreign exception is shown by its type: its message may quote the record")
        .isEqualTo("IllegalStateException (message withheld: it may quote record values)");
    assertThat(result.failed()).extracting(r -> r.record().itemIdentifier()).containsExactly(STD_2);
    assertThat(result.allSucceeded()).isFalse();
    assertThat(result.source()).isEqualTo(EventSource.SQS);
  }

  @Test
  void allRecordsSucceedingIsReportedAsSuch() {
    BatchResult result = processor(TestHandler.ok("orders", SqsMessageEvent.class)).process(decode("sqs/standard-batch.json"));

    assertThat(result.allSucceeded()).isTrue();
    assertThat(result.failed()).isEmpty();
    assertThat(result.records()).allSatisfy(r -> {
      assertThat(r.failure()).isNull();
      assertThat(r.failureKind()).isNull();
      assertThat(r.reason()).isNull();
      assertThat(r.dispatches()).hasSize(1);
    });
  }

  @Test
  void failingHandlerFailsTheRecordButTheOtherHandlersOfThatEventStillRun() {
    TestHandler<SqsMessageEvent> failing = failingFor(new IllegalStateException("boom"), STD_1);
    TestHandler<DomainEvent> audit = TestHandler.ok("audit", DomainEvent.class);

    BatchResult result = processor(failing, audit).process(decode("sqs/standard-batch.json"));

    RecordResult first = result.records().get(0);
    assertThat(first.status()).isEqualTo(Status.FAILED);
    assertThat(audit.seenIds()).containsExactly(STD_1, STD_2, STD_3);
    assertThat(first.dispatches()).hasSize(1);
    assertThat(first.dispatches().get(0).outcomes())
        .extracting(HandlerOutcome::handler)
        .containsExactly("orders", "audit");
    assertThat(first.dispatches().get(0).outcomes().get(1)).isInstanceOf(HandlerOutcome.Succeeded.class);
  }

  @Test
  void permanentExceptionMakesAPermanentRecordFailure() {
    BatchResult result =
        processor(failingFor(new PermanentException("unknown tenant"), STD_3)).process(decode("sqs/standard-batch.json"));

    assertThat(result.records().get(2).failureKind()).isEqualTo(FailureKind.PERMANENT);
    assertThat(result.records().get(2).status()).isEqualTo(Status.FAILED);
  }

  @Test
  void eventWithoutHandlerFailsItsRecordPermanentlyByDefault() {
    BatchResult result = processor(TestHandler.ok("s3", S3ObjectEvent.class)).process(decode("sqs/standard-batch.json"));

    assertThat(statuses(result)).containsOnly(Status.FAILED);
    assertThat(result.records().get(0).failure()).isInstanceOf(NoHandlerException.class);
    assertThat(result.records().get(0).failureKind()).isEqualTo(FailureKind.PERMANENT);
  }

  @Test
  void eventWithoutHandlerSucceedsAsUnhandledWhenIgnored() {
    BatchResult result =
        processor(UnhandledEvents.IGNORE, TestHandler.ok("s3", S3ObjectEvent.class)).process(decode("sqs/standard-batch.json"));

    assertThat(statuses(result)).containsOnly(Status.SUCCEEDED);
    assertThat(result.records().get(0).dispatches()).singleElement().satisfies(d -> assertThat(d.unhandled()).isTrue());
  }

  @Test
  void fifoFailureHoldsBackTheRestOfItsGroupWhileOtherGroupsGoOn() {
    TestHandler<SqsMessageEvent> handler = failingFor(new IllegalStateException("stock service down"), A1);

    BatchResult result = processor(handler).process(decode("sqs/fifo-batch.json"));

    assertThat(statuses(result)).containsExactly(Status.FAILED, Status.NOT_ATTEMPTED, Status.SUCCEEDED, Status.SUCCEEDED);
    assertThat(handler.seenIds()).as("A2 must not run ahead of A1").containsExactly(A1, G1, G2);
    RecordResult held = result.records().get(1);
    assertThat(held.succeeded()).isFalse();
    assertThat(held.dispatches()).isEmpty();
    assertThat(held.failureKind()).isEqualTo(FailureKind.TRANSIENT);
    assertThat(held.failure()).hasMessageContaining(A1);
    assertThat(result.failed()).extracting(r -> r.record().itemIdentifier()).containsExactly(A1, A2);
  }

  @Test
  void fifoFailureInTheSecondGroupLeavesTheFirstGroupAlone() {
    TestHandler<SqsMessageEvent> handler = failingFor(new IllegalStateException("boom"), G1);

    BatchResult result = processor(handler).process(decode("sqs/fifo-batch.json"));

    assertThat(statuses(result)).containsExactly(Status.SUCCEEDED, Status.SUCCEEDED, Status.FAILED, Status.NOT_ATTEMPTED);
    assertThat(handler.seenIds()).containsExactly(A1, A2, G1);
  }

  @Test
  void fifoPermanentFailureAlsoHoldsBackItsGroupUntilDeadLettered() {
    // Nothing in the group may be acknowledged ahead of the failed message before its envelope is written.
    TestHandler<SqsMessageEvent> handler = failingFor(new PermanentException("poison"), A1);

    BatchResult result = processor(handler).process(decode("sqs/fifo-batch.json"));

    assertThat(statuses(result)).containsExactly(Status.FAILED, Status.NOT_ATTEMPTED, Status.SUCCEEDED, Status.SUCCEEDED);
    assertThat(result.records().get(0).failureKind()).isEqualTo(FailureKind.PERMANENT);
  }

  @Test
  void fifoRecordRejectedAtDecodeHoldsBackItsGroup() {
    ObjectNode event = SampleEvents.tree("sqs/fifo-batch.json");
    ((ObjectNode) event.at("/Records/2")).remove("body");
    TestHandler<SqsMessageEvent> handler = TestHandler.ok("orders", SqsMessageEvent.class);

    BatchResult result = processor(handler).process(decoder.decode(SampleEvents.stream(event)));

    assertThat(statuses(result)).containsExactly(Status.SUCCEEDED, Status.SUCCEEDED, Status.FAILED, Status.NOT_ATTEMPTED);
    assertThat(result.records().get(2).failure()).isInstanceOf(InvalidEventException.class);
    assertThat(result.records().get(2).failureKind()).isEqualTo(FailureKind.PERMANENT);
    assertThat(handler.seenIds()).containsExactly(A1, A2);
  }

  @Test
  void streamBatchStopsAtTheFirstFailure() {
    TestHandler<DataChangeEvent> handler =
        TestHandler.of(
            "sync",
            DataChangeEvent.class,
            e -> {
              if (e.sequenceNumber().equals("4421584500000000017464292370")) {
                throw new IllegalStateException("read model unavailable");
              }
              return null;
            });

    BatchResult result = processor(handler).process(decode("dynamodb/product-command-changes.json"));

    assertThat(statuses(result))
        .containsExactly(Status.SUCCEEDED, Status.FAILED, Status.NOT_ATTEMPTED, Status.NOT_ATTEMPTED);
    assertThat(handler.seen())
        .extracting(DataChangeEvent::sequenceNumber)
        .containsExactly("4421584500000000017458535079", "4421584500000000017464292370");
    assertThat(result.source()).isEqualTo(EventSource.DYNAMODB_STREAM);
  }

  @Test
  void changeWithoutVersionFailsItsRecordPermanentlyAndTheStreamStops() {
    TestHandler<DataChangeEvent> handler = TestHandler.of("sync", DataChangeEvent.class, ProductTables::resolve);

    BatchResult result = processor(handler).process(decode("bad/dynamodb-missing-version.json"));

    assertThat(statuses(result)).containsExactly(Status.FAILED, Status.NOT_ATTEMPTED);
    assertThat(result.records().get(0).failure()).isInstanceOf(MappingException.class).hasMessageContaining("version");
    assertThat(result.records().get(0).failureKind()).isEqualTo(FailureKind.PERMANENT);
  }

  @Test
  void truncatedBodyFailsOnlyItsRecordWhenTheHandlerParsesIt() {
    TestHandler<SqsMessageEvent> parser =
        TestHandler.of(
            "orders",
            SqsMessageEvent.class,
            e -> {
              try {
                return mapper.readTree(e.body()).get("orderId").textValue();
              } catch (JsonProcessingException bad) {
                throw new InvalidEventException("body", "malformed JSON", bad);
              }
            });

    BatchResult result = processor(parser).process(decode("bad/sqs-mixed-bad-record.json"));

    assertThat(statuses(result)).containsExactly(Status.SUCCEEDED, Status.FAILED, Status.SUCCEEDED);
    assertThat(result.records().get(1).record().itemIdentifier()).isEqualTo("cb8f3b8b-4386-40c0-afd5-2e38d70a699d");
    assertThat(result.records().get(1).failureKind()).isEqualTo(FailureKind.PERMANENT);
    assertThat(result.records().get(0).dispatches().get(0).outcomes().get(0))
        .isEqualTo(new HandlerOutcome.Succeeded("orders", "O-1201"));
  }

  @Test
  void recordRejectedAtDecodeFailsWithoutDispatch() {
    ObjectNode event = SampleEvents.tree("sqs/standard-batch.json");
    ((ObjectNode) event.at("/Records/0")).remove("body");
    TestHandler<SqsMessageEvent> handler = TestHandler.ok("orders", SqsMessageEvent.class);

    BatchResult result = processor(handler).process(decoder.decode(SampleEvents.stream(event)));

    RecordResult rejected = result.records().get(0);
    assertThat(rejected.status()).isEqualTo(Status.FAILED);
    assertThat(rejected.dispatches()).isEmpty();
    assertThat(rejected.failure()).isSameAs(rejected.record().rejection());
    assertThat(rejected.failureKind()).isEqualTo(FailureKind.PERMANENT);
    assertThat(handler.seenIds()).containsExactly(STD_2, STD_3);
  }

  @Test
  void recordWithNoEventsSucceedsWithoutDispatch() {
    BatchResult result = processor(TestHandler.ok("orders", SqsMessageEvent.class)).process(decode("sqs/s3-test-event.json"));

    assertThat(statuses(result)).containsExactly(Status.SUCCEEDED);
    assertThat(result.records().get(0).dispatches()).isEmpty();
  }

  @Test
  void failedEventHoldsBackTheLaterEventsOfTheSameRecord() {
    // One SQS message whose body is an S3 notification with two objects.
    ObjectNode event = SampleEvents.tree("sqs/s3-notification.json");
    ObjectNode body = SampleEvents.tree("s3/object-created-batch.json");
    ((ObjectNode) event.at("/Records/0")).put("body", body.toString());
    TestHandler<S3ObjectEvent> handler =
        TestHandler.of(
            "import",
            S3ObjectEvent.class,
            e -> {
              if (e.key().startsWith("imports/csv/products")) {
                throw new IllegalStateException("bucket unreachable");
              }
              return null;
            });

    BatchResult result = processor(handler).process(decoder.decode(SampleEvents.stream(event)));

    assertThat(result.records().get(0).record().events()).hasSize(3);
    assertThat(result.records().get(0).status()).isEqualTo(Status.FAILED);
    assertThat(result.records().get(0).dispatches()).hasSize(1);
    assertThat(handler.seen()).extracting(S3ObjectEvent::key).containsExactly("imports/csv/products 2026-11.csv");
  }
}
