package io.cqrssuite.bus;

import io.cqrssuite.event.EventSource;
import java.util.List;

/** Every record's result for one delivery, in delivered order. */
public record BatchResult(EventSource source, List<RecordResult> records) {
  public BatchResult {
    records = List.copyOf(records);
  }

  public boolean allSucceeded() {
    return records.stream().allMatch(RecordResult::succeeded);
  }

  public List<RecordResult> failed() {
    return records.stream().filter(r -> !r.succeeded()).toList();
  }
}
