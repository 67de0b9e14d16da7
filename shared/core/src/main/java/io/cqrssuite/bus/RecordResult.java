package io.cqrssuite.bus;

import io.cqrssuite.factory.InboundRecord;
import io.cqrssuite.failure.FailureKind;
import io.cqrssuite.failure.FailureText;
import java.util.List;

/**
 * What became of one delivered record: every dispatch of its events, and if it failed, why and whether a retry can
 * help. A record fails when it was rejected by the factory, when any handler failed on any of its events, or when
 * an earlier record with the same ordering key failed (it was then not attempted, to keep order).
 */
public record RecordResult(
    InboundRecord record, Status status, List<DispatchResult> dispatches, Throwable failure, FailureKind failureKind) {

  public enum Status {
    SUCCEEDED,
    FAILED,
    /** Not attempted: an earlier record of its ordering key (FIFO group, stream batch) failed. */
    NOT_ATTEMPTED
  }

  public RecordResult {
    dispatches = List.copyOf(dispatches);
  }

  public boolean succeeded() {
    return status == Status.SUCCEEDED;
  }

  /**
   * A one-line reason for logs and summaries: the error as the suite shows it ({@link FailureText#shown()}), never a
   * message that may quote the record's values.
   */
  public String reason() {
    if (failure == null) {
      return null;
    }
    return FailureText.of(failure).shown();
  }
}
