package io.cqrssuite.reliability;

import java.util.Map;

/**
 * The dead-letter configuration, read once from the environment: {@code SUITE_DEAD_LETTER_QUEUE_URL}, the SQS queue
 * that receives {@link DeadLetterEnvelope}s. Unset or blank: no dead letters, permanent failures are reported as
 * failed records (or fail the invocation) exactly as without this feature.
 *
 * @param queueUrl {@code null} when not configured
 */
public record DeadLetterSettings(String queueUrl) {
  public static final String QUEUE_URL = "SUITE_DEAD_LETTER_QUEUE_URL";

  public static DeadLetterSettings fromEnvironment(Map<String, String> env) {
    String url = env.get(QUEUE_URL);
    if (url == null || url.isBlank()) {
      return new DeadLetterSettings(null);
    }
    String trimmed = url.trim();
    if (!trimmed.startsWith("https://") && !trimmed.startsWith("http://")) {
      throw new IllegalArgumentException(QUEUE_URL + " must be an SQS queue URL such as https://sqs.eu-west-1.amazonaws.com/123456789012/suite-dead-letters, found '" + url + "'");
    }
    return new DeadLetterSettings(trimmed);
  }

  public boolean configured() {
    return queueUrl != null;
  }
}
