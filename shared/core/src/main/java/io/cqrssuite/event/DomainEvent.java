package io.cqrssuite.event;

/**
 * Something that happened, as handlers see it. The suite's built-in events (one per AWS source) implement this,
 * and so do the user's own events that an {@code EventFactory} routes them into.
 *
 * <p>{@link #eventId()} is stable across redelivery and replay (contract §3): idempotency stores and
 * deterministic execution names are keyed by it.
 */
public interface DomainEvent {
  /** The id the source gave this event; the same on every redelivery. */
  String eventId();

  /** The AWS service that delivered it (the innermost one, for nested deliveries). */
  EventSource source();
}
