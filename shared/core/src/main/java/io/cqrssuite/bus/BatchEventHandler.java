package io.cqrssuite.bus;

import io.cqrssuite.event.DomainEvent;
import java.util.List;

/**
 * Handles all events of one type in a delivery at once, for targets that write in bulk and guard every write by
 * version (the data-sync dispatcher). It runs before the per-event handlers and sees every event of its type in
 * the delivery, including those after a failed record: for a version-guarded target, applying them is harmless
 * and saves the redelivery a round of writes (contract §4).
 *
 * <p>Register with Dagger into {@code Set<BatchEventHandler<?>>}.
 */
public interface BatchEventHandler<E extends DomainEvent> {
  Class<E> eventType();

  /**
   * One outcome per event, in the same order; a {@code null} entry means "not mine" (no target takes that event),
   * which leaves the event to the per-event handlers and, if none takes it either, to the unhandled-event policy.
   * Must not throw: a failure belongs to the events it concerns.
   */
  List<HandlerOutcome> handleBatch(List<E> events);

  default String name() {
    return getClass().getSimpleName();
  }
}
