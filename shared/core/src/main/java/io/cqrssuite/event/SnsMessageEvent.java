package io.cqrssuite.event;

import java.time.Instant;
import java.util.Map;

/**
 * One SNS notification, delivered to Lambda directly or to SQS in SNS's JSON envelope. {@link #messageType()} is
 * the {@code type} message attribute or a top-level {@code type} field of a JSON message.
 */
public record SnsMessageEvent(
    String messageId,
    String topicArn,
    String subject,
    String message,
    Map<String, MessageAttribute> messageAttributes,
    Instant timestamp,
    String messageType)
    implements DomainEvent {

  public SnsMessageEvent {
    messageAttributes = Map.copyOf(messageAttributes);
  }

  @Override
  public String eventId() {
    return messageId;
  }

  @Override
  public EventSource source() {
    return EventSource.SNS;
  }

  public String topicName() {
    return Arns.lastSegment(topicArn, ':');
  }
}
