package io.cqrssuite.factory;

import com.fasterxml.jackson.databind.JsonNode;
import io.cqrssuite.event.DomainEvent;
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
   * The id that ties this record to the request that caused it, for logs and dead letters: a {@code correlationId}
   * message attribute (SQS, or SNS), a {@code correlationId} in an EventBridge detail (or its {@code metadata}),
   * else the record's own event id, so there is always one to search by.
   */
  public String correlationId() {
    if (raw != null) {
      for (JsonNode candidate :
          new JsonNode[] {
            raw.path("messageAttributes").path("correlationId").path("stringValue"),
            raw.path("Sns").path("MessageAttributes").path("correlationId").path("Value"),
            raw.path("detail").path("correlationId"),
            raw.path("detail").path("metadata").path("correlationId")
          }) {
        if (candidate.isTextual() && !candidate.textValue().isBlank()) {
          return candidate.textValue();
        }
      }
    }
    return events.isEmpty() ? itemIdentifier : events.get(0).eventId();
  }
}
