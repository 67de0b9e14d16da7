package io.cqrssuite.reliability.idempotency;

import io.cqrssuite.config.SettingsReader;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The idempotency store's settings, read once from the environment:
 *
 * <ul>
 *   <li>{@code SUITE_IDEMPOTENCY_TABLE}: the DynamoDB table (partition key {@code id}, a string); unset, the store is
 *       not configured and {@link #fromEnvironment} returns empty;
 *   <li>{@code SUITE_IDEMPOTENCY_TTL_HOURS} (default 504 = 21 days): how long a record is kept, and so how long a
 *       repeat of the event is recognised. It must outlive the 14-day dead-letter retention, or a replay of a
 *       dead letter would run the side effect again.
 * </ul>
 */
record IdempotencySettings(String table, Duration recordLifetime) {
  public static final Duration DEFAULT_LIFETIME = Duration.ofHours(504);

  public IdempotencySettings {
    if (table == null || table.isBlank()) {
      throw new IllegalArgumentException("SUITE_IDEMPOTENCY_TABLE must name a DynamoDB table");
    }
    if (recordLifetime.isNegative() || recordLifetime.isZero()) {
      throw new IllegalArgumentException("SUITE_IDEMPOTENCY_TTL_HOURS must be positive, found " + recordLifetime);
    }
  }

  public static Optional<IdempotencySettings> fromEnvironment(Map<String, String> env) {
    SettingsReader settings = new SettingsReader(env);
    return settings.text("SUITE_IDEMPOTENCY_TABLE")
        .map(table -> new IdempotencySettings(
            table, Duration.ofHours(settings.positiveLong("SUITE_IDEMPOTENCY_TTL_HOURS", DEFAULT_LIFETIME.toHours()))));
  }
}
