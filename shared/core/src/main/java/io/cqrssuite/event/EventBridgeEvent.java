package io.cqrssuite.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * An EventBridge event: scheduled, from an AWS service, or custom ({@code PutEvents}). {@link #detail()} is the
 * event's JSON detail; treat it as read-only (Jackson trees are mutable and copying each one would cost more than
 * the event is worth).
 */
public record EventBridgeEvent(
    String id,
    String sourceName,
    String detailType,
    String account,
    String region,
    Instant time,
    List<String> resources,
    JsonNode detail)
    implements DomainEvent {

  public EventBridgeEvent {
    resources = List.copyOf(resources);
  }

  @Override
  public String eventId() {
    return id;
  }

  @Override
  public EventSource source() {
    return EventSource.EVENT_BRIDGE;
  }
}
