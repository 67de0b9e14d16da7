package io.cqrssuite.event;

import java.time.Instant;

/**
 * An S3 object notification, whether it came straight from S3, through SQS or SNS, or through EventBridge.
 *
 * <p>{@link #key()} is always the real object key: URL-decoded (with {@code +} as a space, UTF-8) when S3's own
 * notification format delivered it, taken as-is from EventBridge, which does not encode keys.
 *
 * @param eventName S3's name ({@code ObjectCreated:Put}, {@code ObjectRemoved:Delete}, ...); for EventBridge
 *     deliveries the detail-type and reason are mapped onto the same names
 * @param size object size in bytes, {@code -1} when the notification carries none (deletes)
 */
public record S3ObjectEvent(
    String eventId,
    String eventName,
    String bucket,
    String key,
    long size,
    String eTag,
    String versionId,
    String sequencer,
    Instant eventTime,
    String region)
    implements DomainEvent {

  @Override
  public EventSource source() {
    return EventSource.S3;
  }

  public boolean isCreated() {
    return eventName.startsWith("ObjectCreated");
  }

  public boolean isRemoved() {
    return eventName.startsWith("ObjectRemoved");
  }

  /** The id contract §3 prescribes: bucket, key and S3's sequencer, which orders events for one key. */
  public static String idOf(String bucket, String key, String sequencer) {
    return "s3:" + bucket + "/" + key + (sequencer == null ? "" : "@" + sequencer);
  }
}
