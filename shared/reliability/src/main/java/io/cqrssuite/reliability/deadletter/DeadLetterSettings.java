package io.cqrssuite.reliability.deadletter;

import io.cqrssuite.deadletter.DeadLetterEnvelope;
import java.util.Map;

/**
 * The dead-letter configuration, read once from the environment: {@code SUITE_DEAD_LETTER_QUEUE_URL}, the SQS queue
 * that receives {@link DeadLetterEnvelope}s, and {@code SUITE_DEAD_LETTER_BUCKET}, the S3 bucket that holds envelopes
 * too large for a queue message (the message then points at the object). Queue unset or blank: no dead letters,
 * permanent failures are reported as failed records (or fail the invocation) exactly as without this feature.
 * Bucket unset: an oversized envelope is not stored and its record stays failed.
 *
 * @param queueUrl {@code null} when not configured
 * @param bucket {@code null} when not configured
 */
public record DeadLetterSettings(String queueUrl, String bucket) {
  public static final String QUEUE_URL = "SUITE_DEAD_LETTER_QUEUE_URL";
  public static final String BUCKET = "SUITE_DEAD_LETTER_BUCKET";

  public static DeadLetterSettings fromEnvironment(Map<String, String> env) {
    String bucketName = env.get(BUCKET);
    String bucket = bucketName == null || bucketName.isBlank() ? null : bucketName.trim();
    String url = env.get(QUEUE_URL);
    if (url == null || url.isBlank()) {
      return new DeadLetterSettings(null, bucket);
    }
    String trimmed = url.trim();
    if (!trimmed.startsWith("https://") && !trimmed.startsWith("http://")) {
      throw new IllegalArgumentException(QUEUE_URL + " must be an SQS queue URL such as https://sqs.eu-west-1.amazonaws.com/123456789012/suite-dead-letters, found '" + url + "'");
    }
    return new DeadLetterSettings(trimmed, bucket);
  }

  public boolean configured() {
    return queueUrl != null;
  }
}
