package io.cqrssuite.testing.polling;

import java.time.Duration;

/**
 * Polling with a deadline, for tests that wait on something another thread or process does: no fixed sleep stands in
 * for synchronisation, and a condition that never holds fails with what was awaited.
 */
public final class Eventually {
  private static final long PAUSE_MILLIS = 10;

  private Eventually() {}

  /** A condition to poll; it may read a database or a queue, so it may throw. */
  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }

  /**
   * Returns once {@code condition} holds.
   *
   * @throws AssertionError when it does not within {@code timeout}, or when checking it failed
   */
  public static void await(String what, Duration timeout, Condition condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!check(what, condition)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout + ": " + what);
      }
      Thread.sleep(PAUSE_MILLIS);
    }
  }

  private static boolean check(String what, Condition condition) throws InterruptedException {
    try {
      return condition.holds();
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      throw new AssertionError("checking whether " + what + " failed: " + e, e);
    }
  }
}
