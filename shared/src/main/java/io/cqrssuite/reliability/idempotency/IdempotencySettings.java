package io.cqrssuite.reliability.idempotency;

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
public record IdempotencySettings(String table, Duration recordLifetime) {
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
    String table = env.get("SUITE_IDEMPOTENCY_TABLE");
    if (table == null || table.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(new IdempotencySettings(table.trim(), Duration.ofHours(hours(env.get("SUITE_IDEMPOTENCY_TTL_HOURS")))));
  }

  private static long hours(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT_LIFETIME.toHours();
    }
    try {
      long parsed = Long.parseLong(value.trim());
      if (parsed < 1) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("SUITE_IDEMPOTENCY_TTL_HOURS must be a positive integer, found '" + value + "'", e);
    }
  }
}
