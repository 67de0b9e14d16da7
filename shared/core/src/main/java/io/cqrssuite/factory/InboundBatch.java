package io.cqrssuite.factory;

import io.cqrssuite.event.EventSource;
import io.cqrssuite.event.TumblingWindow;
import java.util.List;

/**
 * A whole Lambda delivery after the factory: the source it came from and every record, in delivered order.
 * {@code source} is the outer source (an SQS batch of SNS envelopes is an SQS batch: failures are reported the SQS
 * way), while each event's own {@code source()} is the innermost.
 *
 * @param window the tumbling window of a stream delivery that has one, else {@code null}
 */
public record InboundBatch(EventSource source, List<InboundRecord> records, TumblingWindow window) {
  public InboundBatch {
    records = List.copyOf(records);
  }

  /** A delivery outside a tumbling window. */
  public InboundBatch(EventSource source, List<InboundRecord> records) {
    this(source, records, null);
  }
}
