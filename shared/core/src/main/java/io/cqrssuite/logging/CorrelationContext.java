package io.cqrssuite.logging;

import java.util.Optional;
import java.util.concurrent.Callable;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The correlation id of the record being handled on this thread: {@link StructuredLog} adds it to every line as
 * {@code correlation_id}, and the {@code io.cqrssuite.outbound} publishers stamp it on what a handler sends, so one
 * id follows a request through every queue, topic and workflow it touches.
 *
 * <p>The batch processor opens a {@link Scope} around each record ({@code InboundRecord.correlationId()}: the id
 * the record carries, else its own event id, which every redelivery repeats) and closes it afterwards, restoring
 * what was there before, also when the handler throws. Work handed to other threads takes the scope along through
 * {@link #propagate(Callable)}. One instance per component: the id lives in an instance field, never in static state.
 */
@Singleton
public final class CorrelationContext {
  /**
   * The name under which a correlation id travels between functions: an SQS or SNS message attribute, a field of an
   * EventBridge detail or of a workflow's input. What one function stamps under it, the next one reads.
   */
  public static final String CARRIER = "correlationId";

  private final ThreadLocal<String> current = new ThreadLocal<>();

  @Inject
  public CorrelationContext() {}

  /** The id of the scope open on this thread, if any. */
  public Optional<String> current() {
    return Optional.ofNullable(current.get());
  }

  /**
   * Makes {@code correlationId} current on this thread until the scope is closed; a {@code null} or blank id opens
   * a scope without one (lines then carry no {@code correlation_id}), so an outer id never leaks into a record that
   * has none.
   */
  public Scope open(String correlationId) {
    String previous = current.get();
    set(correlationId == null || correlationId.isBlank() ? null : correlationId);
    return new Scope(previous);
  }

  /** {@code task} as it will run on another thread: inside the scope current here, at the time of this call. */
  public <T> Callable<T> propagate(Callable<T> task) {
    String captured = current.get();
    return () -> {
      try (Scope ignored = open(captured)) {
        return task.call();
      }
    };
  }

  private void set(String correlationId) {
    if (correlationId == null) {
      current.remove();
    } else {
      current.set(correlationId);
    }
  }

  /** Restores, on close, the id that was current when the scope was opened. Close it on the thread that opened it. */
  public final class Scope implements AutoCloseable {
    private final String previous;
    private boolean closed;

    private Scope(String previous) {
      this.previous = previous;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        set(previous);
      }
    }
  }
}
