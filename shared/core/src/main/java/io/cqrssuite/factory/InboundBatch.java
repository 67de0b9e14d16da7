package io.cqrssuite.factory;

import io.cqrssuite.event.EventSource;
import java.util.List;

/**
 * A whole Lambda delivery after the factory: the source it came from and every record, in delivered order.
 * {@code source} is the outer source (an SQS batch of SNS envelopes is an SQS batch: failures are reported the SQS
 * way), while each event's own {@code source()} is the innermost.
 */
public record InboundBatch(EventSource source, List<InboundRecord> records) {
  public InboundBatch {
    records = List.copyOf(records);
  }
}
