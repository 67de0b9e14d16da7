package io.cqrssuite.outbound;

import java.util.Objects;

/**
 * A message a handler sends to a queue or topic: its body and, for a FIFO queue or topic, the message group and
 * the de-duplication id. Derive the de-duplication id from the event being handled (contract §3), so a
 * redelivered record that sends again within the five-minute window is dropped by SQS/SNS instead of delivered
 * twice; leave it {@code null} only when the queue de-duplicates by content.
 */
public record OutboundMessage(String body, String groupId, String deduplicationId) {
  public OutboundMessage {
    Objects.requireNonNull(body, "body");
    if (deduplicationId != null && groupId == null) {
      throw new IllegalArgumentException("a de-duplication id belongs to a FIFO message, which needs a group id");
    }
  }

  /** For a standard queue or topic. */
  public static OutboundMessage of(String body) {
    return new OutboundMessage(body, null, null);
  }

  /** For a FIFO queue or topic. */
  public static OutboundMessage fifo(String body, String groupId, String deduplicationId) {
    return new OutboundMessage(body, Objects.requireNonNull(groupId, "groupId"), deduplicationId);
  }
}
