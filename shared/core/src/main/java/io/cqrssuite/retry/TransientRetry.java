package io.cqrssuite.retry;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.failsafe.RetryPolicyBuilder;
import io.cqrssuite.failure.FailureClassifier;
import io.cqrssuite.failure.FailureKind;
import java.time.Duration;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Retries a call that failed transiently (throttling, 5xx, timeouts, lost connections: whatever
 * {@link FailureClassifier} calls {@link FailureKind#TRANSIENT}), with exponential backoff and jitter, and only
 * while the invocation's {@link InvocationDeadline} leaves room for the pause and another attempt as long as the
 * last one took. Permanent failures are never retried. The policy is Failsafe's, not a hand-written loop.
 */
@Singleton
public final class TransientRetry {
  private final RetrySettings settings;
  private final InvocationDeadline deadline;

  @Inject
  public TransientRetry(RetrySettings settings, InvocationDeadline deadline) {
    this.settings = settings;
    this.deadline = deadline;
  }

  /** No retries at all: for wiring without a retry policy (tests, tools). */
  public static TransientRetry none() {
    RetrySettings once = new RetrySettings(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    return new TransientRetry(once, new InvocationDeadline(once));
  }

  public int maxAttempts() {
    return settings.maxAttempts();
  }

  /** The invocation's deadline the retries stop at; callers bound their own waits by it too. */
  public InvocationDeadline deadline() {
    return deadline;
  }

  /**
   * Runs {@code call}, retrying transient failures. Throws the last failure as it was thrown (checked exceptions
   * included), so callers classify and report it like a first-attempt failure.
   */
  public <T> T call(Attempt<T> call) throws Exception {
    // The first attempt runs bare: most calls succeed, and the hot path should not build a retry policy for them.
    long started = System.nanoTime();
    Throwable firstFailure;
    try {
      return call.run();
    } catch (Exception | Error e) {
      if (settings.maxAttempts() == 1 || FailureClassifier.classify(e) == FailureKind.PERMANENT) {
        throw e;
      }
      firstFailure = e;
    }
    long[] lastAttemptNanos = {System.nanoTime() - started};
    boolean[] firstReplayed = {false};
    RetryPolicyBuilder<T> builder = RetryPolicy.<T>builder();
    Duration base = positive(settings.baseDelay());
    Duration max = positive(settings.maxDelay());
    if (base.compareTo(max) < 0) {
      builder.withBackoff(base, max);
    } else {
      builder.withDelay(base);
    }
    RetryPolicy<T> policy =
        builder
            .handleIf(
                (result, failure) ->
                    failure != null
                        && FailureClassifier.classify(failure) == FailureKind.TRANSIENT
                        && deadline.allows(settings.maxDelay(), Duration.ofNanos(lastAttemptNanos[0])))
            .withMaxAttempts(settings.maxAttempts())
            .withJitter(0.5)
            .build();
    try {
      return Failsafe.with(policy)
          .get(
              () -> {
                // Failsafe's first attempt is the one already made: its failure is replayed, not the call, so the
                // policy decides about it and the backoff schedule is unchanged.
                if (!firstReplayed[0]) {
                  firstReplayed[0] = true;
                  throw firstFailure;
                }
                long attemptStarted = System.nanoTime();
                try {
                  return call.run();
                } finally {
                  lastAttemptNanos[0] = System.nanoTime() - attemptStarted;
                }
              });
    } catch (FailsafeException e) {
      // Failsafe wraps checked exceptions; hand back the original.
      Throwable cause = e.getCause();
      if (cause instanceof Exception exception) {
        throw exception;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  /** One attempt of the retried call. */
  @FunctionalInterface
  public interface Attempt<T> {
    T run() throws Exception;
  }

  /** Backoff needs a delay above zero; a configured 0 means "as soon as possible". */
  private static Duration positive(Duration delay) {
    return delay.isZero() ? Duration.ofMillis(1) : delay;
  }
}
