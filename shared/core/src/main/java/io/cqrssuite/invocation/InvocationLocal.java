package io.cqrssuite.invocation;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A value that belongs to the running invocation, such as its request id or its deadline. Classic Lambda runs one
 * invocation at a time per JVM; Lambda Managed Instances run many at once in one JVM, each on its own thread, with
 * one handler object. So the value is kept per thread: what one invocation sets, another never reads.
 *
 * <p>A thread that began no invocation (a heartbeat timer, a pool worker of the handler) reads the invocation that is
 * running when it is the only one, as before; with several running it reads nothing rather than a neighbour's.
 */
public final class InvocationLocal<T> {
  private final ThreadLocal<T> own = new ThreadLocal<>();
  private final AtomicInteger running = new AtomicInteger();
  private volatile T latest;

  /** The current thread starts an invocation with {@code value}; a thread's next begin replaces its value. */
  public void begin(T value) {
    if (own.get() == null) {
      running.incrementAndGet();
    }
    own.set(value);
    latest = value;
  }

  /** The current thread's invocation ended: its value is gone. */
  public void end() {
    if (own.get() != null) {
      own.remove();
      running.decrementAndGet();
    }
  }

  /** The current thread's invocation's value; else the only running invocation's; else {@code null}. */
  public T get() {
    T value = own.get();
    if (value != null) {
      return value;
    }
    return running.get() == 1 ? latest : null;
  }
}
