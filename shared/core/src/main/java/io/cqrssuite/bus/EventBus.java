package io.cqrssuite.bus;

import io.cqrssuite.event.DomainEvent;
import io.cqrssuite.failure.FailureClassifier;
import io.cqrssuite.retry.TransientRetry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Delivers a domain event to every handler registered for its type. Handlers come from a compile-time Dagger
 * multibinding, never from classpath scanning; the type-to-handlers table is computed once per event class.
 *
 * <p>All handlers of an event run, in registration order, even when one fails: each outcome is reported, so a
 * retry knows which handler still owes work (the idempotency store makes re-running the others harmless).
 */
@Singleton
public final class EventBus {
  private final List<EventHandler<?>> handlers;
  private final UnhandledEvents unhandled;
  private final TransientRetry retry;
  private final ClassValue<List<EventHandler<?>>> byType =
      new ClassValue<>() {
        @Override
        protected List<EventHandler<?>> computeValue(Class<?> type) {
          List<EventHandler<?>> matching = new ArrayList<>();
          for (EventHandler<?> handler : handlers) {
            if (handler.eventType().isAssignableFrom(type)) {
              matching.add(handler);
            }
          }
          return List.copyOf(matching);
        }
      };

  /** Without in-invocation retries: a transient failure is reported at once. */
  public EventBus(Set<EventHandler<?>> handlers, UnhandledEvents unhandled) {
    this(handlers, unhandled, TransientRetry.none());
  }

  /** Each handler call is retried by {@code retry} while it fails transiently and the invocation has time left. */
  @Inject
  public EventBus(Set<EventHandler<?>> handlers, UnhandledEvents unhandled, TransientRetry retry) {
    this.handlers = List.copyOf(handlers);
    this.unhandled = unhandled;
    this.retry = retry;
    for (EventHandler<?> handler : this.handlers) {
      if (handler.eventType() == null) {
        throw new IllegalArgumentException(handler.name() + " returns no eventType()");
      }
    }
  }

  public DispatchResult dispatch(DomainEvent event) {
    return dispatch(event, List.of());
  }

  /**
   * Dispatches to the per-event handlers after what batch handlers already did with this event ({@code earlier}):
   * the event counts as handled when either took it.
   */
  public DispatchResult dispatch(DomainEvent event, List<HandlerOutcome> earlier) {
    List<EventHandler<?>> matching = byType.get(event.getClass());
    boolean earlierFailed = earlier.stream().anyMatch(o -> o instanceof HandlerOutcome.Failed);
    if ((matching.isEmpty() || earlierFailed) && !earlier.isEmpty()) {
      // After a failed bulk write the record is redelivered: running the per-event handlers now would run them twice.
      return new DispatchResult(event, earlier, false);
    }
    if (matching.isEmpty()) {
      if (unhandled == UnhandledEvents.IGNORE) {
        return new DispatchResult(event, List.of(), true);
      }
      NoHandlerException error = new NoHandlerException(event.getClass());
      return new DispatchResult(
          event, List.of(new HandlerOutcome.Failed("EventBus", error, FailureClassifier.classify(error))), false);
    }
    List<HandlerOutcome> outcomes = new ArrayList<>(earlier.size() + matching.size());
    outcomes.addAll(earlier);
    for (EventHandler<?> handler : matching) {
      outcomes.add(invoke(handler, event));
    }
    return new DispatchResult(event, outcomes, false);
  }

  /** Whether any handler takes this event type (for summaries and configuration checks). */
  public boolean handles(Class<? extends DomainEvent> type) {
    return !byType.get(type).isEmpty();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private HandlerOutcome invoke(EventHandler handler, DomainEvent event) {
    try {
      return new HandlerOutcome.Succeeded(handler.name(), retry.call(() -> handler.handle(event)));
    } catch (Exception | StackOverflowError | LinkageError | AssertionError e) {
      return new HandlerOutcome.Failed(handler.name(), e, FailureClassifier.classify(e));
    }
  }
}
