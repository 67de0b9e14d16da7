package io.cqrssuite.sync;

import io.cqrssuite.fixtures.ProductTables;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.bus.BatchProcessor;
import io.cqrssuite.bus.BatchResult;
import io.cqrssuite.bus.EventBus;
import io.cqrssuite.bus.EventHandler;
import io.cqrssuite.bus.HandlerOutcome;
import io.cqrssuite.bus.NoHandlerException;
import io.cqrssuite.bus.RecordResult;
import io.cqrssuite.bus.UnhandledEvents;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.event.DataChangeEvent;
import io.cqrssuite.event.DataChangeEvent.Operation;
import io.cqrssuite.event.EventSource;
import io.cqrssuite.factory.InboundBatch;
import io.cqrssuite.factory.InboundRecord;
import io.cqrssuite.failure.FailureKind;
import io.cqrssuite.failure.PermanentException;
import io.cqrssuite.failure.TransientException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DataSyncDispatcherTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private final List<DataSyncDispatcher> dispatchers = new ArrayList<>();

  @AfterEach
  void close() {
    dispatchers.forEach(DataSyncDispatcher::close);
  }

  /** A target that records every batch it is given and answers with {@code answer}. */
  static class RecordingTarget implements DataSyncHandler {
    final String name;
    final List<List<ChangeRecord>> batches = Collections.synchronizedList(new ArrayList<>());
    final Function<ChangeRecord, SyncOutcome> answer;

    RecordingTarget(String name, Function<ChangeRecord, SyncOutcome> answer) {
      this.name = name;
      this.answer = answer;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public boolean accepts(ChangeRecord change) {
      return change.pk().startsWith("PRODUCT#");
    }

    @Override
    public SyncOutcome up(ChangeRecord change) {
      throw new AssertionError("sync() is overridden");
    }

    @Override
    public SyncOutcome down(ChangeRecord change) {
      throw new AssertionError("sync() is overridden");
    }

    @Override
    public List<SyncOutcome> sync(List<ChangeRecord> changes) {
      batches.add(List.copyOf(changes));
      return changes.stream().map(answer).toList();
    }

    List<ChangeRecord> all() {
      return batches.stream().flatMap(List::stream).toList();
    }
  }

  private DataSyncDispatcher dispatcher(DataSyncHandler... targets) {
    DataSyncDispatcher dispatcher = DataSyncDispatcher.builder(new LinkedHashSet<>(List.of(targets))).mappings(ProductTables.MAPPINGS).build();
    dispatchers.add(dispatcher);
    return dispatcher;
  }

  private static int sequence;

  static DataChangeEvent change(String table, Operation op, String code, Long version, boolean ttl) {
    ObjectNode image = NODES.objectNode().put("pk", "PRODUCT#acme").put("sk", code).put("code", code).put("name", "n");
    if (version != null) {
      image.put("version", version);
    }
    ObjectNode keys = NODES.objectNode().put("pk", "PRODUCT#acme").put("sk", code);
    int seq = ++sequence;
    return new DataChangeEvent(
        "e" + seq, table, op, ttl, keys,
        op == Operation.INSERT ? null : image,
        op == Operation.REMOVE ? null : image,
        String.format("%021d", seq), null, "arn:aws:dynamodb:us-east-1:1:table/" + table + "/stream/x", "us-east-1");
  }

  static DataChangeEvent upsert(String code, long version) {
    return change(ProductTables.DATA, Operation.MODIFY, code, version, false);
  }

  static DataChangeEvent remove(String code, long version) {
    return change(ProductTables.DATA, Operation.REMOVE, code, version, false);
  }

  @Test
  void eachTargetWritesOnlyTheHighestVersionOfAnEntityAndEveryRecordSucceeds() {
    RecordingTarget target = new RecordingTarget("rds", c -> SyncOutcome.APPLIED);
    List<HandlerOutcome> outcomes =
        dispatcher(target).handleBatch(List.of(upsert("P-1", 3), upsert("P-1", 5), upsert("P-1", 4), upsert("P-2", 1)));

    assertThat(target.batches).hasSize(1);
    assertThat(target.all()).extracting(ChangeRecord::id, ChangeRecord::version)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("PRODUCT#acme#P-1", 5L), org.assertj.core.groups.Tuple.tuple("PRODUCT#acme#P-2", 1L));
    assertThat(outcomes).allSatisfy(o -> assertThat(o).isInstanceOf(HandlerOutcome.Succeeded.class));
  }

  @Test
  void aStaleChangeIsASuccessAndItsConflictDecisionIsLogged() throws Exception {
    java.io.ByteArrayOutputStream lines = new java.io.ByteArrayOutputStream();
    io.cqrssuite.logging.StructuredLog log =
        new io.cqrssuite.logging.StructuredLog("test", new java.io.PrintStream(lines, true, java.nio.charset.StandardCharsets.UTF_8), io.cqrssuite.logging.StructuredLog.Level.INFO);
    DataSyncDispatcher dispatcher = DataSyncDispatcher.builder(Set.of(new RecordingTarget("rds", c -> new SyncOutcome.Stale(9)))).mappings(ProductTables.MAPPINGS).log(log).retry(io.cqrssuite.retry.TransientRetry.none()).build();
    dispatchers.add(dispatcher);

    assertThat(dispatcher.handleBatch(List.of(upsert("P-1", 4))).get(0)).isInstanceOf(HandlerOutcome.Succeeded.class);
    com.fasterxml.jackson.databind.JsonNode line = new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines.toString(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(line.path("message").asText()).isEqualTo("conflict: stale change ignored");
    assertThat(line.path("id").asText()).isEqualTo("PRODUCT#acme#P-1");
    assertThat(line.path("incomingVersion").asLong()).isEqualTo(4);
    assertThat(line.path("storedVersion").asLong()).isEqualTo(9);
  }

  @Test
  void changesATargetFailedTransientlyAreSyncedAgainAndOnlyThose() {
    java.util.Set<String> failedOnce = java.util.concurrent.ConcurrentHashMap.newKeySet();
    RecordingTarget flaky =
        new RecordingTarget("search", c -> c.code().equals("P-2") && failedOnce.add(c.id())
            ? SyncOutcome.Failed.of(new TransientException("429 too many requests"))
            : SyncOutcome.APPLIED);
    io.cqrssuite.retry.RetrySettings fast =
        new io.cqrssuite.retry.RetrySettings(3, java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(2), java.time.Duration.ZERO);
    DataSyncDispatcher dispatcher =
        DataSyncDispatcher.builder(Set.of(flaky)).mappings(ProductTables.MAPPINGS).retry(new io.cqrssuite.retry.TransientRetry(fast, new io.cqrssuite.retry.InvocationDeadline(fast))).build();
    dispatchers.add(dispatcher);

    List<HandlerOutcome> outcomes = dispatcher.handleBatch(List.of(upsert("P-1", 1), upsert("P-2", 1), upsert("P-3", 1)));

    assertThat(outcomes).allSatisfy(o -> assertThat(o).isInstanceOf(HandlerOutcome.Succeeded.class));
    assertThat(flaky.batches).hasSize(2);
    assertThat(flaky.batches.get(1)).extracting(ChangeRecord::code).containsExactly("P-2");
  }

  @Test
  void atTheSameVersionTheDeleteWins() {
    RecordingTarget target = new RecordingTarget("rds", c -> SyncOutcome.APPLIED);
    dispatcher(target).handleBatch(List.of(upsert("P-1", 7), remove("P-1", 7)));
    assertThat(target.all()).singleElement().satisfies(c -> assertThat(c.deleted()).isTrue());

    RecordingTarget reversed = new RecordingTarget("rds", c -> SyncOutcome.APPLIED);
    dispatcher(reversed).handleBatch(List.of(remove("P-1", 7), upsert("P-1", 7)));
    assertThat(reversed.all()).singleElement().satisfies(c -> assertThat(c.deleted()).isTrue());
  }

  @Test
  void aFailedWriteFailsEveryRecordOfThatEntityAndOnlyThose() {
    RecordingTarget failing =
        new RecordingTarget("search", c -> c.code().equals("P-1") ? SyncOutcome.Failed.of(new TransientException("503")) : SyncOutcome.APPLIED);
    RecordingTarget healthy = new RecordingTarget("rds", c -> SyncOutcome.APPLIED);
    List<HandlerOutcome> outcomes =
        dispatcher(healthy, failing).handleBatch(List.of(upsert("P-1", 1), upsert("P-2", 1), upsert("P-1", 2)));

    assertThat(outcomes.get(0)).isInstanceOfSatisfying(HandlerOutcome.Failed.class, f -> assertThat(f.kind()).isEqualTo(FailureKind.TRANSIENT));
    assertThat(outcomes.get(1)).isInstanceOf(HandlerOutcome.Succeeded.class);
    assertThat(outcomes.get(2)).isInstanceOf(HandlerOutcome.Failed.class);
    assertThat(healthy.all()).hasSize(2);
  }

  @Test
  void aPermanentFailureStaysPermanentAndATransientOneWins() {
    RecordingTarget permanent = new RecordingTarget("a", c -> SyncOutcome.Failed.of(new PermanentException("bad price")));
    assertThat(dispatcher(permanent).handleBatch(List.of(upsert("P-1", 1))).get(0))
        .isInstanceOfSatisfying(HandlerOutcome.Failed.class, f -> assertThat(f.kind()).isEqualTo(FailureKind.PERMANENT));

    RecordingTarget transientToo = new RecordingTarget("b", c -> SyncOutcome.Failed.of(new TransientException("timeout")));
    RecordingTarget permanentToo = new RecordingTarget("c", c -> SyncOutcome.Failed.of(new PermanentException("bad")));
    assertThat(dispatcher(permanentToo, transientToo).handleBatch(List.of(upsert("P-1", 1))).get(0))
        .isInstanceOfSatisfying(HandlerOutcome.Failed.class, f -> assertThat(f.kind()).isEqualTo(FailureKind.TRANSIENT));
  }

  @Test
  void aChangeWithoutVersionFailsAloneAndPermanently() {
    RecordingTarget target = new RecordingTarget("rds", c -> SyncOutcome.APPLIED);
    List<HandlerOutcome> outcomes =
        dispatcher(target).handleBatch(List.of(upsert("P-1", 1), change(ProductTables.DATA, Operation.INSERT, "P-9", null, false)));

    assertThat(outcomes.get(0)).isInstanceOf(HandlerOutcome.Succeeded.class);
    assertThat(outcomes.get(1)).isInstanceOfSatisfying(HandlerOutcome.Failed.class, f -> {
      assertThat(f.kind()).isEqualTo(FailureKind.PERMANENT);
      assertThat(f.error()).hasMessageContaining("version");
    });
    assertThat(target.all()).extracting(ChangeRecord::code).containsExactly("P-1");
  }

  @Test
  void ttlAndCommandTableRemovalsWriteNothingAndSucceed() {
    RecordingTarget target = new RecordingTarget("rds", c -> SyncOutcome.APPLIED);
    List<HandlerOutcome> outcomes =
        dispatcher(target)
            .handleBatch(
                List.of(
                    change(ProductTables.DATA, Operation.REMOVE, "P-1", 3L, true),
                    change(ProductTables.COMMAND, Operation.REMOVE, "P-1@0000000003", 3L, false)));

    assertThat(outcomes).allSatisfy(o -> assertThat(o).isInstanceOf(HandlerOutcome.Succeeded.class));
    assertThat(target.batches).isEmpty();
  }

  @Test
  void aTargetThatThrowsFailsItsChangesTransiently() {
    DataSyncHandler throwing = new RecordingTarget("boom", c -> SyncOutcome.APPLIED) {
      @Override
      public List<SyncOutcome> sync(List<ChangeRecord> changes) {
        throw new IllegalStateException("connection pool closed");
      }
    };
    assertThat(dispatcher(throwing).handleBatch(List.of(upsert("P-1", 1))).get(0))
        .isInstanceOfSatisfying(HandlerOutcome.Failed.class, f -> {
          assertThat(f.kind()).isEqualTo(FailureKind.TRANSIENT);
          assertThat(f.error()).hasMessageContaining("connection pool closed");
        });
  }

  @Test
  void targetsRunConcurrently() {
    CyclicBarrier bothInside = new CyclicBarrier(2);
    Function<ChangeRecord, SyncOutcome> meet = c -> {
      try {
        bothInside.await(10, TimeUnit.SECONDS);
        return SyncOutcome.APPLIED;
      } catch (Exception e) {
        return SyncOutcome.Failed.of(new IllegalStateException("targets ran one after the other", e));
      }
    };
    List<HandlerOutcome> outcomes =
        dispatcher(new RecordingTarget("rds", meet), new RecordingTarget("search", meet)).handleBatch(List.of(upsert("P-1", 1)));
    assertThat(outcomes.get(0)).isInstanceOf(HandlerOutcome.Succeeded.class);
  }

  @Test
  void aChangeNoTargetTakesIsLeftToTheUnhandledPolicy() {
    DataChangeEvent order = change("order-data", Operation.INSERT, "O-1", 1L, false);
    ObjectNode image = order.newImage();
    image.put("pk", "ORDER#acme");
    RecordingTarget products = new RecordingTarget("rds", c -> SyncOutcome.APPLIED);
    assertThat(dispatcher(products).handleBatch(List.of(order)).get(0)).isNull();

    BatchResult result = processor(Set.of(), products).process(stream(order));
    assertThat(result.records().get(0).failure()).isInstanceOf(NoHandlerException.class);
  }

  @Test
  void inAStreamBatchTheTargetsSeeEveryRecordWhileOrderedHandlersStopAtTheFirstFailure() {
    RecordingTarget target = new RecordingTarget("rds", c -> c.code().equals("P-1") ? SyncOutcome.Failed.of(new TransientException("503")) : SyncOutcome.APPLIED);
    List<String> audited = new ArrayList<>();
    EventHandler<DataChangeEvent> audit = new EventHandler<>() {
      @Override
      public Class<DataChangeEvent> eventType() {
        return DataChangeEvent.class;
      }

      @Override
      public Object handle(DataChangeEvent event) {
        audited.add(event.eventId());
        return null;
      }
    };
    DataChangeEvent first = upsert("P-1", 1);
    DataChangeEvent second = upsert("P-2", 1);
    BatchResult result = processor(Set.of(audit), target).process(stream(first, second));

    assertThat(target.all()).extracting(ChangeRecord::code).containsExactlyInAnyOrder("P-1", "P-2");
    assertThat(result.records()).extracting(RecordResult::status)
        .containsExactly(RecordResult.Status.FAILED, RecordResult.Status.NOT_ATTEMPTED);
    assertThat(audited).as("the ordered handler is not run after the failed record").isEmpty();
  }

  private BatchProcessor processor(Set<EventHandler<?>> handlers, DataSyncHandler... targets) {
    return BatchProcessor.builder(new EventBus(handlers, UnhandledEvents.FAIL)).batchHandlers(Set.of(dispatcher(targets))).build();
  }

  private static InboundBatch stream(DataChangeEvent... events) {
    List<InboundRecord> records = new ArrayList<>();
    for (int i = 0; i < events.length; i++) {
      records.add(new InboundRecord(i, events[i].sequenceNumber(), "stream", NODES.objectNode(), List.of(events[i]), null, null));
    }
    return new InboundBatch(EventSource.DYNAMODB_STREAM, records);
  }
  /** An intake that settles the records of {@code settledCodes} for the whole delivery and counts what it takes alone. */
  static final class DeliveryIntake implements ChangeIntake {
    final ChangeIntake mapped = ChangeIntake.mapped(ProductTables.MAPPINGS);
    final Set<String> settledCodes;
    final boolean failing;
    final List<String> takenAlone = Collections.synchronizedList(new ArrayList<>());
    final List<Integer> deliveries = Collections.synchronizedList(new ArrayList<>());

    DeliveryIntake(Set<String> settledCodes, boolean failing) {
      this.settledCodes = settledCodes;
      this.failing = failing;
    }

    @Override
    public Intake take(DataChangeEvent event) {
      takenAlone.add(event.keys().path("sk").asText());
      return mapped.take(event);
    }

    @Override
    public Map<Integer, Intake> takeAll(List<DataChangeEvent> events) {
      deliveries.add(events.size());
      if (failing) {
        throw new TransientException("the delivery could not be taken at once (test)");
      }
      Map<Integer, Intake> settled = new HashMap<>();
      for (int i = 0; i < events.size(); i++) {
        if (settledCodes.contains(events.get(i).keys().path("sk").asText())) {
          Intake intake = mapped.take(events.get(i));
          settled.put(i, Intake.project(intake.change().orElseThrow(), Map.of("batch", "SETTLED")));
        }
      }
      return settled;
    }
  }

  @Test
  void recordsTheIntakeSettlesForTheWholeDeliveryAreNotTakenAgainAndTheRestAreTakenInOrder() {
    RecordingTarget target = new RecordingTarget("rds", c -> SyncOutcome.APPLIED);
    DeliveryIntake intake = new DeliveryIntake(Set.of("P-1", "P-3"), false);
    DataSyncDispatcher dispatcher = DataSyncDispatcher.builder(List.of(target)).intake(intake).build();
    dispatchers.add(dispatcher);

    List<HandlerOutcome> outcomes = dispatcher.handleBatch(List.of(upsert("P-1", 1), upsert("P-2", 1), upsert("P-3", 1), upsert("P-4", 2)));

    assertThat(intake.deliveries).containsExactly(4);
    assertThat(intake.takenAlone).containsExactly("P-2", "P-4");
    assertThat(outcomes).allSatisfy(o -> assertThat(o).isInstanceOf(HandlerOutcome.Succeeded.class));
    assertThat(((HandlerOutcome.Succeeded) outcomes.get(0)).result()).asString().contains("batch=SETTLED");
    assertThat(((HandlerOutcome.Succeeded) outcomes.get(1)).result()).asString().doesNotContain("batch");
    assertThat(target.all()).extracting(ChangeRecord::code).containsExactlyInAnyOrder("P-1", "P-2", "P-3", "P-4");
  }

  @Test
  void anIntakeThatCannotTakeTheDeliveryAtOnceHasEveryRecordTakenAlone() {
    RecordingTarget target = new RecordingTarget("rds", c -> SyncOutcome.APPLIED);
    DeliveryIntake intake = new DeliveryIntake(Set.of("P-1"), true);
    DataSyncDispatcher dispatcher = DataSyncDispatcher.builder(List.of(target)).intake(intake).build();
    dispatchers.add(dispatcher);

    List<HandlerOutcome> outcomes = dispatcher.handleBatch(List.of(upsert("P-1", 1), upsert("P-2", 1)));

    assertThat(intake.takenAlone).containsExactly("P-1", "P-2");
    assertThat(outcomes).allSatisfy(o -> assertThat(o).isInstanceOf(HandlerOutcome.Succeeded.class));
  }
}
