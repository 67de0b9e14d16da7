package io.cqrssuite.reliability.alarm;

import java.time.Duration;
import java.util.Map;

/**
 * The alarms' settings, read once from the environment:
 *
 * <ul>
 *   <li>{@code SUITE_ALARM_TOPIC_ARN}: the SNS topic; unset, alarms are only logged;
 *   <li>{@code SUITE_ALARM_TABLE}, else {@code SUITE_IDEMPOTENCY_TABLE}: the DynamoDB table (partition key
 *       {@code id}, TTL on {@code expiresAt}) of the de-duplication counters; neither set, every alarm is sent (still
 *       at most one per failure fingerprint per invocation);
 *   <li>{@code SUITE_ALARM_WINDOW_SECONDS} (default 300): the de-duplication window;
 *   <li>{@code POWERTOOLS_SERVICE_NAME}, else {@code AWS_LAMBDA_FUNCTION_NAME}: the alarms' {@code source}.
 * </ul>
 */
public record AlarmSettings(String topicArn, String table, Duration window, String source) {
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);

  public AlarmSettings {
    if (window.isNegative() || window.getSeconds() < 1) {
      throw new IllegalArgumentException("SUITE_ALARM_WINDOW_SECONDS must be at least 1, found " + window);
    }
  }

  public static AlarmSettings fromEnvironment(Map<String, String> env) {
    String table = blankToNull(env.get("SUITE_ALARM_TABLE"));
    if (table == null) {
      table = blankToNull(env.get("SUITE_IDEMPOTENCY_TABLE"));
    }
    String source = blankToNull(env.get("POWERTOOLS_SERVICE_NAME"));
    if (source == null) {
      source = blankToNull(env.get("AWS_LAMBDA_FUNCTION_NAME"));
    }
    return new AlarmSettings(
        blankToNull(env.get("SUITE_ALARM_TOPIC_ARN")),
        table,
        Duration.ofSeconds(seconds(env.get("SUITE_ALARM_WINDOW_SECONDS"))),
        source == null ? "cqrs-suite" : source);
  }

  private static long seconds(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT_WINDOW.getSeconds();
    }
    try {
      long parsed = Long.parseLong(value.trim());
      if (parsed < 1) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("SUITE_ALARM_WINDOW_SECONDS must be a positive integer, found '" + value + "'", e);
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
