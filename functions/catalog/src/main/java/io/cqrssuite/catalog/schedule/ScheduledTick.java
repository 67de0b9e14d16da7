package io.cqrssuite.catalog.schedule;

import io.cqrssuite.event.EventBridgeEvent;
import io.cqrssuite.event.EventSource;
import java.time.Instant;
import java.util.List;

/** A schedule rule fired: periodic housekeeping (tombstone purge, resync) hangs off it. */
public record ScheduledTick(String eventId, List<String> rules, Instant time) implements io.cqrssuite.event.DomainEvent {
  public ScheduledTick {
    rules = List.copyOf(rules);
  }

  public static ScheduledTick of(EventBridgeEvent event) {
    return new ScheduledTick(event.id(), event.resources(), event.time());
  }

  @Override
  public EventSource source() {
    return EventSource.EVENT_BRIDGE;
  }
}
