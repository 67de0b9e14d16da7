package io.cqrssuite.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cqrssuite.failure.PermanentException;
import io.cqrssuite.failure.TransientException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TransientRetryTest {
  private static final RetrySettings FAST = new RetrySettings(4, Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(50));

  private final InvocationDeadline deadline = new InvocationDeadline(Clock.systemUTC(), FAST.deadlineMargin());
  private final TransientRetry retry = new TransientRetry(FAST, deadline);
  private final AtomicInteger attempts = new AtomicInteger();

  @Test
  void aTransientFailureIsRetriedUntilItPasses() throws Exception {
    String result = retry.call(() -> {
      if (attempts.incrementAndGet() < 3) {
        throw new TransientException("503 from the target");
      }
      return "ok";
    });
    assertThat(result).isEqualTo("ok");
    assertThat(attempts).hasValue(3);
  }

  @Test
  void unknownExceptionsCountAsTransientAndComeBackUnwrapped() {
    IOException reset = new IOException("connection reset");
    assertThatThrownBy(() -> retry.call(() -> {
      attempts.incrementAndGet();
      throw reset;
    })).isSameAs(reset);
    assertThat(attempts).as("every attempt used").hasValue(4);
  }

  @Test
  void aPermanentFailureIsNeverRetried() {
    PermanentException poison = new PermanentException("price is not a number");
    assertThatThrownBy(() -> retry.call(() -> {
      attempts.incrementAndGet();
      throw poison;
    })).isSameAs(poison);
    assertThat(attempts).hasValue(1);
  }

  @Test
  void noRetryWhenTheInvocationHasNoTimeLeftForIt() {
    deadline.begin(FAST.deadlineMargin().toMillis());
    assertThatThrownBy(() -> retry.call(() -> {
      attempts.incrementAndGet();
      throw new TransientException("throttled");
    })).isInstanceOf(TransientException.class);
    assertThat(attempts).hasValue(1);
  }

  @Test
  void retriesResumeInTheNextInvocationWithTimeLeft() throws Exception {
    deadline.begin(FAST.deadlineMargin().toMillis());
    deadline.begin(60_000);
    assertThat(retry.call(() -> attempts.incrementAndGet() < 2 ? fail() : "ok")).isEqualTo("ok");
    assertThat(attempts).hasValue(2);
  }

  @Test
  void oneAttemptMeansNoRetries() {
    assertThatThrownBy(() -> TransientRetry.none().call(() -> {
      attempts.incrementAndGet();
      throw new TransientException("busy");
    })).isInstanceOf(TransientException.class);
    assertThat(attempts).hasValue(1);
  }

  @Test
  void settingsComeFromTheEnvironmentAndBadOnesAreRefused() {
    RetrySettings settings = RetrySettings.fromEnvironment(java.util.Map.of("SUITE_RETRY_MAX_ATTEMPTS", "5", "SUITE_RETRY_BASE_DELAY_MS", "20"));
    assertThat(settings.maxAttempts()).isEqualTo(5);
    assertThat(settings.baseDelay()).isEqualTo(Duration.ofMillis(20));
    assertThat(settings.maxDelay()).isEqualTo(Duration.ofMillis(2000));
    assertThatThrownBy(() -> RetrySettings.fromEnvironment(java.util.Map.of("SUITE_RETRY_MAX_ATTEMPTS", "0")))
        .hasMessageContaining("SUITE_RETRY_MAX_ATTEMPTS");
    assertThatThrownBy(() -> RetrySettings.fromEnvironment(java.util.Map.of("SUITE_RETRY_MAX_DELAY_MS", "x")))
        .hasMessageContaining("SUITE_RETRY_MAX_DELAY_MS");
  }

  private static String fail() {
    throw new TransientException("once");
  }
}
