package io.cqrssuite.retry;

import io.cqrssuite.config.SettingsReader;
import java.time.Duration;
import java.util.Map;

/**
 * How transient failures are retried inside an invocation, read once from the environment:
 *
 * <ul>
 *   <li>{@code SUITE_RETRY_MAX_ATTEMPTS} (default 3): attempts per handler call or sync batch, the first included;
 *       1 turns in-invocation retries off;
 *   <li>{@code SUITE_RETRY_BASE_DELAY_MS} (default 100) and {@code SUITE_RETRY_MAX_DELAY_MS} (default 2000): the
 *       exponential backoff's first and largest pause; each pause is jittered by up to half its length, so
 *       concurrent containers do not retry in step;
 *   <li>{@code SUITE_DEADLINE_MARGIN_MS} (default 3000): time kept back from the invocation's remaining time for
 *       dead-lettering and answering, so a retry never runs the function into its timeout; at least 2 s, and a
 *       tenth of the remaining time when that is more ({@link InvocationDeadline}).
 * </ul>
 *
 * The AWS SDK does not retry the calls these retries cover: their clients make one attempt, so the two never
 * multiply; {@code SUITE_AWS_MAX_ATTEMPTS} is for the calls nothing else retries ({@code AwsClients}).
 */
public record RetrySettings(int maxAttempts, Duration baseDelay, Duration maxDelay, Duration deadlineMargin) {
  public RetrySettings {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("SUITE_RETRY_MAX_ATTEMPTS must be at least 1, found " + maxAttempts);
    }
    if (baseDelay.isNegative() || maxDelay.compareTo(baseDelay) < 0) {
      throw new IllegalArgumentException("retry delays must satisfy 0 <= base <= max, found " + baseDelay + " and " + maxDelay);
    }
  }

  public static RetrySettings defaults() {
    return new RetrySettings(3, Duration.ofMillis(100), Duration.ofMillis(2000), Duration.ofMillis(3000));
  }

  public static RetrySettings fromEnvironment(Map<String, String> env) {
    RetrySettings d = defaults();
    SettingsReader settings = new SettingsReader(env);
    return new RetrySettings(
        settings.nonNegativeInt("SUITE_RETRY_MAX_ATTEMPTS", d.maxAttempts()),
        Duration.ofMillis(settings.nonNegativeLong("SUITE_RETRY_BASE_DELAY_MS", d.baseDelay().toMillis())),
        Duration.ofMillis(settings.nonNegativeLong("SUITE_RETRY_MAX_DELAY_MS", d.maxDelay().toMillis())),
        Duration.ofMillis(settings.nonNegativeLong("SUITE_DEADLINE_MARGIN_MS", d.deadlineMargin().toMillis())));
  }
}
