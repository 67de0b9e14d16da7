package io.cqrssuite.reliability.alarm;

import io.cqrssuite.config.SettingsReader;
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
record AlarmSettings(String topicArn, String table, Duration window, String source) {
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);

  public AlarmSettings {
    if (window.isNegative() || window.getSeconds() < 1) {
      throw new IllegalArgumentException("SUITE_ALARM_WINDOW_SECONDS must be at least 1, found " + window);
    }
  }

  public static AlarmSettings fromEnvironment(Map<String, String> env) {
    SettingsReader settings = new SettingsReader(env);
    return new AlarmSettings(
        settings.text("SUITE_ALARM_TOPIC_ARN").orElse(null),
        settings.text("SUITE_ALARM_TABLE").or(() -> settings.text("SUITE_IDEMPOTENCY_TABLE")).orElse(null),
        Duration.ofSeconds(settings.positiveLong("SUITE_ALARM_WINDOW_SECONDS", DEFAULT_WINDOW.getSeconds())),
        settings.text("POWERTOOLS_SERVICE_NAME").or(() -> settings.text("AWS_LAMBDA_FUNCTION_NAME")).orElse("cqrs-suite"));
  }
}
