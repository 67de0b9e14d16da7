package io.cqrssuite.factory;

import com.fasterxml.jackson.databind.JsonNode;
import io.cqrssuite.event.DomainEvent;
import io.cqrssuite.event.TaskEvent;
import java.util.List;

/**
 * One record of a delivery and what the factory made of it: the domain events to dispatch, or the reason it was
 * rejected. Exactly one of {@code events} (possibly empty: an {@code s3:TestEvent} is acknowledged and ignored)
 * and {@code rejection} is meaningful.
 *
 * @param itemIdentifier what AWS wants back in {@code batchItemFailures}: the SQS {@code messageId} or the stream
 *     record's {@code SequenceNumber}; for other sources the event id
 * @param orderingKey records with the same key must be handled in order (SQS FIFO message group); {@code null}
 *     when the record is independent
 * @param raw the record exactly as delivered, kept for the dead-letter envelope
 * @param taskToken the Step Functions task token the record carries (directly or in an SQS body), whatever the
 *     factory routed the task into, so the result can be reported even for a custom event or a rejected record
 */
public record InboundRecord(
    int index,
    String itemIdentifier,
    String orderingKey,
    JsonNode raw,
    List<DomainEvent> events,
    RuntimeException rejection,
    String taskToken) {

  public InboundRecord {
    events = events == null ? List.of() : List.copyOf(events);
  }

  public boolean rejected() {
    return rejection != null;
  }

  /**
   * The id that ties this record to the request that caused it, for logs, dead letters and what its handlers send
   * on: a {@code correlationId} message attribute (SQS, or SNS), a {@code correlationId} in an EventBridge detail
   * (or its {@code metadata}), in a Step Functions task payload or its {@code input} (where
   * {@code io.cqrssuite.workflow.WorkflowStarts} puts it). A record that carries none gets its own event id
   * (contract §3; the item identifier when it was rejected before it had events): derived from the source's id
   * alone, so every redelivery and replay of the record logs under the same id.
   */
  public String correlationId() {
    if (raw != null) {
      for (JsonNode candidate :
          new JsonNode[] {
            raw.path("messageAttributes").path("correlationId").path("stringValue"),
            raw.path("Sns").path("MessageAttributes").path("correlationId").path("Value"),
            raw.path("detail").path("correlationId"),
            raw.path("detail").path("metadata").path("correlationId"),
            raw.path("correlationId"),
            raw.path("input").path("correlationId")
          }) {
        if (candidate.isTextual() && !candidate.textValue().isBlank()) {
          return candidate.textValue();
        }
      }
    }
    // A task that came inside an SQS body: its input is only readable once the factory has parsed the body.
    for (DomainEvent event : events) {
      if (event instanceof TaskEvent task && task.input() != null) {
        JsonNode carried = task.input().path("correlationId");
        if (carried.isTextual() && !carried.textValue().isBlank()) {
          return carried.textValue();
        }
      }
    }
    return events.isEmpty() ? itemIdentifier : events.get(0).eventId();
  }
}
