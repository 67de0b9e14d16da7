package io.cqrssuite.bus;

import io.cqrssuite.event.DomainEvent;

/**
 * Handles one type of domain event (and its subtypes). Register implementations with Dagger into a
 * {@code Set<EventHandler<?>>} ({@code @Binds @IntoSet}); several handlers may take the same type.
 *
 * <p>Throw {@link io.cqrssuite.failure.PermanentException} (or {@code InvalidEventException}) for input no retry can
 * fix; any other exception counts as transient. The return value is the handler's result: for a Step Functions
 * task it becomes the task output.
 */
public interface EventHandler<E extends DomainEvent> {
  /** The event type this handler takes; subtypes are delivered too. */
  Class<E> eventType();

  Object handle(E event) throws Exception;

  /** The name used in logs, results and dead letters. */
  default String name() {
    return getClass().getSimpleName();
  }
}
