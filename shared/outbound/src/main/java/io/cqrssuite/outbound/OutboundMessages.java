package io.cqrssuite.outbound;

import io.cqrssuite.payload.Channel;
import io.cqrssuite.aws.internal.OnFirstUse;
import io.cqrssuite.failure.PermanentException;
import io.cqrssuite.failure.TransientException;
import io.cqrssuite.logging.CorrelationContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

/**
 * What a handler sends on to SQS and SNS, stamped with the correlation id of the record being handled (message
 * attribute {@link CorrelationAttribute#NAME}), so the function that receives it logs under the same id. Outside a
 * {@link CorrelationContext} scope nothing is stamped and the receiver falls back to its record's own event id.
 *
 * <p>The clients are built on first use, once. SDK failures of a single send propagate unchanged (the failure
 * classifier tells throttling from a bad request); {@link #sendBatch} reports per message instead, because part of
 * a batch may have been sent.
 */
public final class OutboundMessages {
  /** {@code SendMessageBatch} takes at most this many entries ... */
  static final int MAX_ENTRIES = 10;
  /** ... and this many bytes of bodies and attributes together. */
  static final int MAX_BYTES = Channel.SQS.maxBytes();

  private final Supplier<SqsClient> sqs;
  private final Supplier<SnsClient> sns;
  private final CorrelationContext correlation;

  /** Each supplier is called at most once, when the first message of its kind is sent. */
  public OutboundMessages(Supplier<SqsClient> sqs, Supplier<SnsClient> sns, CorrelationContext correlation) {
    this.sqs = new OnFirstUse<>(sqs);
    this.sns = new OnFirstUse<>(sns);
    this.correlation = correlation;
  }

  /**
   * One message, or why it was not sent.
   *
   * @param failure {@code null} when sent; a {@link PermanentException} when SQS refused the entry as the sender's
   *     fault, a {@link TransientException} when SQS failed it, the SDK's exception when the whole call failed
   */
  public record Sent(OutboundMessage message, String messageId, RuntimeException failure) {
    public boolean succeeded() {
      return failure == null;
    }
  }

  /** {@code SendMessage}; returns the message id. */
  public String send(String queueUrl, OutboundMessage message) {
    Map<String, MessageAttributeValue> attributes = CorrelationAttribute.sqs(correlation.current().orElse(null));
    return sqs.get()
        .sendMessage(b -> b.queueUrl(queueUrl)
            .messageBody(message.body())
            .messageGroupId(message.groupId())
            .messageDeduplicationId(message.deduplicationId())
            .messageAttributes(attributes))
        .messageId();
  }

  /**
   * {@code SendMessageBatch}, in as many calls as the limits of ten entries and {@link Channel#SQS}'s bytes per call require; one
   * result per message, in order. A message too large on its own goes alone and comes back failed from SQS.
   */
  public List<Sent> sendBatch(String queueUrl, List<OutboundMessage> messages) {
    Map<String, MessageAttributeValue> attributes = CorrelationAttribute.sqs(correlation.current().orElse(null));
    int attributeBytes = attributeBytes(attributes);
    Sent[] results = new Sent[messages.size()];
    List<Integer> chunk = new ArrayList<>(MAX_ENTRIES);
    int chunkBytes = 0;
    for (int i = 0; i < messages.size(); i++) {
      int bytes = messages.get(i).body().getBytes(StandardCharsets.UTF_8).length + attributeBytes;
      if (!chunk.isEmpty() && (chunk.size() == MAX_ENTRIES || chunkBytes + bytes > MAX_BYTES)) {
        sendChunk(queueUrl, messages, chunk, attributes, results);
        chunk.clear();
        chunkBytes = 0;
      }
      chunk.add(i);
      chunkBytes += bytes;
    }
    if (!chunk.isEmpty()) {
      sendChunk(queueUrl, messages, chunk, attributes, results);
    }
    return List.of(results);
  }

  /** SNS {@code Publish}; returns the message id. */
  public String publish(String topicArn, OutboundMessage message) {
    return publish(topicArn, null, message);
  }

  /** SNS {@code Publish} with a subject (what an e-mail subscription shows); returns the message id. */
  public String publish(String topicArn, String subject, OutboundMessage message) {
    Map<String, software.amazon.awssdk.services.sns.model.MessageAttributeValue> attributes =
        CorrelationAttribute.sns(correlation.current().orElse(null));
    return sns.get()
        .publish(b -> b.topicArn(topicArn)
            .subject(subject)
            .message(message.body())
            .messageGroupId(message.groupId())
            .messageDeduplicationId(message.deduplicationId())
            .messageAttributes(attributes))
        .messageId();
  }

  /** Entry ids are the messages' positions, so each answer maps back to its message. */
  private void sendChunk(
      String queueUrl,
      List<OutboundMessage> messages,
      List<Integer> positions,
      Map<String, MessageAttributeValue> attributes,
      Sent[] results) {
    List<SendMessageBatchRequestEntry> entries = new ArrayList<>(positions.size());
    for (int position : positions) {
      OutboundMessage message = messages.get(position);
      entries.add(
          SendMessageBatchRequestEntry.builder()
              .id(Integer.toString(position))
              .messageBody(message.body())
              .messageGroupId(message.groupId())
              .messageDeduplicationId(message.deduplicationId())
              .messageAttributes(attributes)
              .build());
    }
    SendMessageBatchResponse response;
    try {
      response = sqs.get().sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
    } catch (SdkException e) {
      positions.forEach(p -> results[p] = new Sent(messages.get(p), null, e));
      return;
    }
    for (SendMessageBatchResultEntry ok : response.successful()) {
      int position = Integer.parseInt(ok.id());
      results[position] = new Sent(messages.get(position), ok.messageId(), null);
    }
    for (BatchResultErrorEntry error : response.failed()) {
      int position = Integer.parseInt(error.id());
      String reason = "SQS refused message " + position + " for " + queueUrl + ": " + error.code() + ": " + error.message();
      RuntimeException failure =
          Boolean.TRUE.equals(error.senderFault()) ? new PermanentException(reason) : new TransientException(reason);
      results[position] = new Sent(messages.get(position), null, failure);
    }
    for (int position : positions) {
      if (results[position] == null) {
        // Neither sent nor refused in the answer: unconfirmed, so sending again is the safe side.
        results[position] =
            new Sent(messages.get(position), null, new TransientException("SQS did not confirm message " + position + " for " + queueUrl));
      }
    }
  }

  /** What SQS counts of an attribute toward the size limit: name, data type and value. */
  private static int attributeBytes(Map<String, MessageAttributeValue> attributes) {
    int bytes = 0;
    for (Map.Entry<String, MessageAttributeValue> attribute : attributes.entrySet()) {
      bytes += attribute.getKey().getBytes(StandardCharsets.UTF_8).length
          + attribute.getValue().dataType().getBytes(StandardCharsets.UTF_8).length
          + attribute.getValue().stringValue().getBytes(StandardCharsets.UTF_8).length;
    }
    return bytes;
  }
}
