package io.cqrssuite.reliability.deadletter;

import io.cqrssuite.config.SettingsReader;
import io.cqrssuite.deadletter.DeadLetterEnvelope;
import java.util.Map;

/**
 * The dead-letter configuration, read once from the environment: {@code SUITE_DEAD_LETTER_QUEUE_URL}, the SQS queue
 * that receives {@link DeadLetterEnvelope}s, and {@code SUITE_DEAD_LETTER_BUCKET}, the S3 bucket that holds envelopes
 * too large for a queue message (the message then points at the object). Queue unset or blank: no dead letters,
 * permanent failures are reported as failed records (or fail the invocation) exactly as without this feature.
 * Bucket unset: an oversized envelope is not stored and its record stays failed. {@code
 * SUITE_DEAD_LETTER_MAX_ENVELOPE_BYTES} bounds the envelope a reader follows a queue message's pointer to.
 *
 * @param queueUrl {@code null} when not configured
 * @param bucket {@code null} when not configured
 * @param maxEnvelopeBytes the largest stored envelope {@link DeadLetterReader} reads; a HEAD checks it first
 */
public record DeadLetterSettings(String queueUrl, String bucket, long maxEnvelopeBytes) {
  public static final String QUEUE_URL = "SUITE_DEAD_LETTER_QUEUE_URL";
  public static final String BUCKET = "SUITE_DEAD_LETTER_BUCKET";
  public static final String MAX_ENVELOPE_BYTES = "SUITE_DEAD_LETTER_MAX_ENVELOPE_BYTES";
  /**
   * 10 MiB. The largest record a Lambda function can be handed is its 6 MB synchronous payload; enveloped whole as
   * base64 that is 8 MiB, plus the envelope's fields. Stream records (two 400 KB images) and SQS messages (1 MiB)
   * make far smaller envelopes. Still far below the heap of the CLI or a replaying function.
   */
  public static final long DEFAULT_MAX_ENVELOPE_BYTES = 10L << 20;

  public static DeadLetterSettings fromEnvironment(Map<String, String> env) {
    String bucketName = env.get(BUCKET);
    String bucket = bucketName == null || bucketName.isBlank() ? null : bucketName.trim();
    long maxEnvelopeBytes = new SettingsReader(env).nonNegativeLong(MAX_ENVELOPE_BYTES, DEFAULT_MAX_ENVELOPE_BYTES);
    if (maxEnvelopeBytes == 0) {
      throw new IllegalArgumentException(MAX_ENVELOPE_BYTES + " must be positive");
    }
    String url = env.get(QUEUE_URL);
    if (url == null || url.isBlank()) {
      return new DeadLetterSettings(null, bucket, maxEnvelopeBytes);
    }
    String trimmed = url.trim();
    if (!trimmed.startsWith("https://") && !trimmed.startsWith("http://")) {
      throw new IllegalArgumentException(QUEUE_URL + " must be an SQS queue URL such as https://sqs.eu-west-1.amazonaws.com/123456789012/suite-dead-letters, found '" + url + "'");
    }
    return new DeadLetterSettings(trimmed, bucket, maxEnvelopeBytes);
  }

  public boolean configured() {
    return queueUrl != null;
  }
}
