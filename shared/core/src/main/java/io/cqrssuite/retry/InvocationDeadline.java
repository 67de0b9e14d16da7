package io.cqrssuite.retry;

import io.cqrssuite.invocation.InvocationLocal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * When the current invocation must have answered: Lambda's remaining time at the start of the invocation, less a
 * margin kept for what comes after the handlers (dead-letter writes, task callbacks, the response). The margin is
 * the configured one ({@code SUITE_DEADLINE_MARGIN_MS}) or a tenth of the remaining time, whichever is larger, and
 * never under {@link #MIN_MARGIN}. Retries stop when the next attempt could not finish before it, and every call
 * that can wait (a JDBC statement, a lock, an OpenSearch request, an AWS SDK call) gets a timeout of at most
 * {@link #remaining()}, so an invocation that meets a stalled connection or a held lock still answers in time.
 *
 * <p>One per handler, kept per invocation ({@link InvocationLocal}): a JVM serving several invocations at once
 * (Lambda Managed Instances) gives each its own deadline. The entrypoint sets it when an invocation begins. Outside
 * Lambda (tests, local tools that never begin one) there is no deadline.
 */
@Singleton
public final class InvocationDeadline {
  /** The least margin kept, whatever is configured: enough to write dead letters and answer. */
  public static final Duration MIN_MARGIN = Duration.ofSeconds(2);

  private final Clock clock;
  private final Duration margin;
  private final InvocationLocal<Instant> deadline = new InvocationLocal<>();

  @Inject
  public InvocationDeadline(RetrySettings settings) {
    this(Clock.systemUTC(), settings.deadlineMargin());
  }

  public InvocationDeadline(Clock clock, Duration margin) {
    this.clock = clock;
    this.margin = margin;
  }

  /** Starts an invocation that has {@code remainingMillis} left (Lambda's {@code Context.getRemainingTimeInMillis()}). */
  public void begin(long remainingMillis) {
    Duration kept = margin.compareTo(MIN_MARGIN) < 0 ? MIN_MARGIN : margin;
    Duration tenth = Duration.ofMillis(remainingMillis / 10);
    if (tenth.compareTo(kept) > 0) {
      kept = tenth;
    }
    deadline.begin(clock.instant().plusMillis(remainingMillis).minus(kept));
  }

  /** Whether the calling thread runs inside an invocation with a deadline (else {@link #remaining()} is a day). */
  public boolean bounded() {
    return deadline.get() != null;
  }

  /**
   * {@code task} to run on another thread (a pool worker) under the calling thread's deadline: with several
   * invocations in one JVM, a worker would otherwise see none.
   */
  public <T> Callable<T> propagate(Callable<T> task) {
    Instant at = deadline.get();
    if (at == null) {
      return task;
    }
    return () -> {
      deadline.begin(at);
      try {
        return task.call();
      } finally {
        deadline.end();
      }
    };
  }

  /**
   * A timeout for one call that may wait: {@link #remaining()}, capped at {@code ceiling}, and never under
   * {@code floor} (a call given no time at all fails at once, with a clearer error than a zero timeout, which
   * many clients read as "none").
   */
  public Duration callTimeout(Duration ceiling, Duration floor) {
    Duration left = remaining();
    Duration timeout = left.compareTo(ceiling) < 0 ? left : ceiling;
    return timeout.compareTo(floor) < 0 ? floor : timeout;
  }

  /** The calling thread's invocation has ended. */
  public void end() {
    deadline.end();
  }

  /** Time left before the deadline (zero when past it); effectively unbounded when no invocation has begun. */
  public Duration remaining() {
    Instant at = deadline.get();
    if (at == null) {
      return Duration.ofDays(1);
    }
    Duration left = Duration.between(clock.instant(), at);
    return left.isNegative() ? Duration.ZERO : left;
  }

  /** Whether waiting {@code pause} and then running for about {@code work} still ends before the deadline. */
  public boolean allows(Duration pause, Duration work) {
    return remaining().compareTo(pause.plus(work)) > 0;
  }
}
