package io.cqrssuite.retry;

import io.cqrssuite.invocation.InvocationLocal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * When the current invocation must have answered: Lambda's remaining time at the start of the invocation, less a
 * margin kept for what comes after the handlers (dead-letter writes, task callbacks, the response). Retries stop
 * when the next attempt could not finish before it.
 *
 * <p>One per handler, kept per invocation ({@link InvocationLocal}): a JVM serving several invocations at once
 * (Lambda Managed Instances) gives each its own deadline. The entrypoint sets it when an invocation begins. Outside
 * Lambda (tests, local tools that never begin one) there is no deadline.
 */
@Singleton
public final class InvocationDeadline {
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
    deadline.begin(clock.instant().plusMillis(remainingMillis).minus(margin));
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
