package io.cqrssuite.outbound;

import io.cqrssuite.logging.CorrelationContext;
import java.util.Map;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * The message attribute that carries a correlation id from one function to the next: {@value #NAME}, a
 * {@code String}, exactly what {@code InboundRecord.correlationId()} reads from an SQS record's
 * {@code messageAttributes} and an SNS record's {@code MessageAttributes}, so an id sent here comes back there.
 * SNS hands it on to a subscribed queue (with raw message delivery as an SQS attribute, otherwise inside the
 * notification's JSON).
 */
public final class CorrelationAttribute {
  public static final String NAME = CorrelationContext.CARRIER;

  private CorrelationAttribute() {}

  /** The attribute for {@code SendMessage} and {@code SendMessageBatch}; empty for a {@code null} or blank id. */
  public static Map<String, software.amazon.awssdk.services.sqs.model.MessageAttributeValue> sqs(String correlationId) {
    if (correlationId == null || correlationId.isBlank()) {
      return Map.of();
    }
    return Map.of(
        NAME,
        software.amazon.awssdk.services.sqs.model.MessageAttributeValue.builder()
            .dataType("String")
            .stringValue(correlationId)
            .build());
  }

  /** The attribute for SNS {@code Publish}; empty for a {@code null} or blank id. */
  public static Map<String, MessageAttributeValue> sns(String correlationId) {
    if (correlationId == null || correlationId.isBlank()) {
      return Map.of();
    }
    return Map.of(NAME, MessageAttributeValue.builder().dataType("String").stringValue(correlationId).build());
  }
}
