package io.cqrssuite.bus;

import io.cqrssuite.event.DomainEvent;
import io.cqrssuite.factory.InboundBatch;
import io.cqrssuite.factory.InboundRecord;
import io.cqrssuite.failure.FailureClassifier;
import io.cqrssuite.failure.FailureKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;

/**
 * Dispatches every record of a delivery and collects one {@link RecordResult} per record.
 *
 * <p>Records are independent unless they share an ordering key (an SQS FIFO message group, a DynamoDB stream
 * batch): after one of those fails, the later records of that key are not attempted and are reported failed, so a
 * redelivery replays them in order instead of applying them ahead of the one that failed (semantics §4).
 */
public final class BatchProcessor {
  private final EventBus bus;

  @Inject
  public BatchProcessor(EventBus bus) {
    this.bus = bus;
  }

  public BatchResult process(InboundBatch batch) {
    List<RecordResult> results = new ArrayList<>(batch.records().size());
    Map<String, RecordResult> failedKeys = new HashMap<>();
    for (InboundRecord record : batch.records()) {
      RecordResult earlier = record.orderingKey() == null ? null : failedKeys.get(record.orderingKey());
      RecordResult result = earlier != null ? notAttempted(record, earlier) : process(record);
      if (!result.succeeded() && record.orderingKey() != null) {
        failedKeys.putIfAbsent(record.orderingKey(), result);
      }
      results.add(result);
    }
    return new BatchResult(batch.source(), results);
  }

  private RecordResult process(InboundRecord record) {
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
      DispatchResult dispatch = bus.dispatch(event);
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
