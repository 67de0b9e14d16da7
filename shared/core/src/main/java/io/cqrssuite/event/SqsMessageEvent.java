package io.cqrssuite.event;

import java.util.Map;

/**
 * One SQS message, standard or FIFO. The body is kept as delivered; {@link #messageType()} reads the routing type
 * from the {@code type} message attribute or, failing that, from a top-level {@code type} field of a JSON body.
 */
public record SqsMessageEvent(
    String messageId,
    String body,
    Map<String, String> attributes,
    Map<String, MessageAttribute> messageAttributes,
    String queueArn,
    String region,
    String messageType)
    implements DomainEvent {

  public SqsMessageEvent {
    attributes = Map.copyOf(attributes);
    messageAttributes = Map.copyOf(messageAttributes);
  }

  @Override
  public String eventId() {
    return messageId;
  }

  @Override
  public EventSource source() {
    return EventSource.SQS;
  }

  /** The queue's name: the last segment of its ARN. */
  public String queueName() {
    return Arns.lastSegment(queueArn, ':');
  }

  public boolean isFifo() {
    return queueArn.endsWith(".fifo");
  }

  /** FIFO only: the message group, which orders delivery; {@code null} on standard queues. */
  public String messageGroupId() {
    return attributes.get("MessageGroupId");
  }

  /** FIFO only: the deduplication id; {@code null} on standard queues. */
  public String deduplicationId() {
    return attributes.get("MessageDeduplicationId");
  }

  /** How many times SQS has handed this message out, this delivery included. */
  public int receiveCount() {
    String count = attributes.get("ApproximateReceiveCount");
    return count == null ? 1 : Integer.parseInt(count);
  }
}
