package io.cqrssuite.bus;

import io.cqrssuite.failure.PermanentException;

/**
 * No handler is registered for an event's type. Permanent: redelivering will not register one. It fails the record
 * (unless unhandled events are configured to be ignored) so that nothing is acknowledged unseen.
 */
public final class NoHandlerException extends PermanentException {
  private static final long serialVersionUID = 1L;

  public NoHandlerException(Class<?> eventType) {
    super(
        "no handler registered for "
            + eventType.getName()
            + "; register an EventHandler for it, route it elsewhere in the EventFactory, or set"
            + " SUITE_UNHANDLED_EVENTS=ignore");
  }
}
