package io.cqrssuite.bus;

import io.cqrssuite.event.DomainEvent;
import io.cqrssuite.factory.InboundBatch;
import io.cqrssuite.factory.InboundRecord;
import io.cqrssuite.failure.FailureClassifier;
import io.cqrssuite.failure.FailureKind;
import io.cqrssuite.logging.CorrelationContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.inject.Inject;

/**
 * Dispatches every record of a delivery and collects one {@link RecordResult} per record.
 *
 * <p>Batch handlers ({@link BatchEventHandler}, the version-guarded bulk targets) run first, over every event of
 * their type in the delivery; then each record's events go to the per-event handlers in delivered order.
 *
 * <p>Records are independent unless they share an ordering key (an SQS FIFO message group, a DynamoDB stream
 * batch): after one of those fails, the later records of that key are not attempted and are reported failed, so a
 * redelivery replays them in order instead of applying them ahead of the one that failed (contract §4).
 *
 * <p>Each record's handlers run inside its {@link CorrelationContext} scope ({@link InboundRecord#correlationId()}).
 * A batch handler spans records, so it runs inside a scope only when every record it takes shares one correlation
 * id (a one-record delivery, or a request fanned out in one batch); otherwise its lines carry none rather than a
 * wrong one.
 */
public final class BatchProcessor {
  private final EventBus bus;
  private final List<BatchEventHandler<?>> batchHandlers;
  private final CorrelationContext correlation;

  @Inject
  public BatchProcessor(EventBus bus, Set<BatchEventHandler<?>> batchHandlers, CorrelationContext correlation) {
    this.bus = bus;
    this.batchHandlers = List.copyOf(batchHandlers);
    this.correlation = correlation;
  }

  /** A processor built by hand, for tests and tools: no batch handlers and a correlation context of its own. */
  public static Builder builder(EventBus bus) {
    return new Builder(bus);
  }

  /** Builds a {@link BatchProcessor} without Dagger. */
  public static final class Builder {
    private final EventBus bus;
    private Set<BatchEventHandler<?>> batchHandlers = Set.of();
    private CorrelationContext correlation = new CorrelationContext();

    private Builder(EventBus bus) {
      this.bus = bus;
    }

    /** Run before the per-event handlers, each with all of its events of the batch. */
    public Builder batchHandlers(Set<? extends BatchEventHandler<?>> batchHandlers) {
      this.batchHandlers = Set.copyOf(batchHandlers);
      return this;
    }

    public Builder correlation(CorrelationContext correlation) {
      this.correlation = correlation;
      return this;
    }

    public BatchProcessor build() {
      return new BatchProcessor(bus, batchHandlers, correlation);
    }
  }

  public BatchResult process(InboundBatch batch) {
    Map<DomainEvent, List<HandlerOutcome>> batchOutcomes = runBatchHandlers(batch);
    List<RecordResult> results = new ArrayList<>(batch.records().size());
    Map<String, RecordResult> failedKeys = new HashMap<>();
    for (InboundRecord record : batch.records()) {
      RecordResult earlier = record.orderingKey() == null ? null : failedKeys.get(record.orderingKey());
      RecordResult result = earlier != null ? notAttempted(record, earlier) : process(record, batchOutcomes);
      if (!result.succeeded() && record.orderingKey() != null) {
        failedKeys.putIfAbsent(record.orderingKey(), result);
      }
      results.add(result);
    }
    return new BatchResult(batch.source(), results);
  }

  /**
   * Runs every batch handler over all events of its type in the delivery (rejected records excepted), and files
   * each outcome under its event. Keyed by identity: two records may carry equal events (a duplicate delivery).
   */
  private Map<DomainEvent, List<HandlerOutcome>> runBatchHandlers(InboundBatch batch) {
    Map<DomainEvent, List<HandlerOutcome>> outcomes = new IdentityHashMap<>();
    for (BatchEventHandler<?> handler : batchHandlers) {
      List<DomainEvent> taken = new ArrayList<>();
      Set<String> correlationIds = new HashSet<>();
      for (InboundRecord record : batch.records()) {
        for (DomainEvent event : record.events()) {
          if (handler.eventType().isInstance(event)) {
            // Two different ids settle it: no scope; the remaining records need not be read.
            if (correlationIds.size() < 2) {
              correlationIds.add(record.correlationId());
            }
            taken.add(event);
          }
        }
      }
      if (taken.isEmpty()) {
        continue;
      }
      List<HandlerOutcome> results;
      try (CorrelationContext.Scope ignored =
          correlation.open(correlationIds.size() == 1 ? correlationIds.iterator().next() : null)) {
        results = invoke(handler, taken);
      }
      for (int i = 0; i < taken.size(); i++) {
        HandlerOutcome outcome = results.get(i);
        if (outcome != null) {
          outcomes.computeIfAbsent(taken.get(i), e -> new ArrayList<>(1)).add(outcome);
        }
      }
    }
    return outcomes;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static List<HandlerOutcome> invoke(BatchEventHandler handler, List<DomainEvent> events) {
    List<HandlerOutcome> results;
    try {
      results = handler.handleBatch(events);
      if (results == null || results.size() != events.size()) {
        throw new IllegalStateException(
            handler.name() + " returned " + (results == null ? "null" : results.size() + " outcomes") + " for " + events.size() + " events");
      }
    } catch (RuntimeException | StackOverflowError | LinkageError e) {
      HandlerOutcome failed = new HandlerOutcome.Failed(handler.name(), e, FailureClassifier.classify(e));
      results = new ArrayList<>(events.size());
      for (int i = 0; i < events.size(); i++) {
        results.add(failed);
      }
    }
    return results;
  }

  private RecordResult process(InboundRecord record, Map<DomainEvent, List<HandlerOutcome>> batchOutcomes) {
    try (CorrelationContext.Scope ignored = correlation.open(record.correlationId())) {
      return dispatch(record, batchOutcomes);
    }
  }

  private RecordResult dispatch(InboundRecord record, Map<DomainEvent, List<HandlerOutcome>> batchOutcomes) {
    if (record.rejected()) {
      return new RecordResult(
          record,
          RecordResult.Status.FAILED,
          List.of(),
          record.rejection(),
          FailureClassifier.classify(record.rejection()));
    }
    List<DispatchResult> dispatches = new ArrayList<>(record.events().size());
    for (DomainEvent event : record.events()) {
      DispatchResult dispatch = bus.dispatch(event, batchOutcomes.getOrDefault(event, List.of()));
      dispatches.add(dispatch);
      if (!dispatch.succeeded()) {
        // The remaining events of this record are held back: the whole record is redelivered or dead-lettered.
        HandlerOutcome.Failed failed = dispatch.firstFailure().orElseThrow();
        return new RecordResult(
            record, RecordResult.Status.FAILED, dispatches, failed.error(), dispatch.failureKind());
      }
    }
    return new RecordResult(record, RecordResult.Status.SUCCEEDED, dispatches, null, null);
  }

  private static RecordResult notAttempted(InboundRecord record, RecordResult earlier) {
    IllegalStateException reason =
        new IllegalStateException(
            "not attempted: record " + earlier.record().itemIdentifier() + " of the same ordering key failed first");
    return new RecordResult(record, RecordResult.Status.NOT_ATTEMPTED, List.of(), reason, FailureKind.TRANSIENT);
  }
}
