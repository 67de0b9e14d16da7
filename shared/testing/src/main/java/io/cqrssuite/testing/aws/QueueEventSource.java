package io.cqrssuite.testing.aws;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * A stand-in for an SQS event-source mapping ({@code Type: SQS} with {@code ReportBatchItemFailures}): pollers
 * receive up to {@code batchSize} messages, hand them to the function as Lambda's SQS event, delete the handled ones
 * and leave those listed in {@code batchItemFailures} (all of them when the handler throws) to come back after the
 * visibility timeout, and to the queue's dead-letter queue after its {@code maxReceiveCount}. One poller per unit
 * of concurrency, as Lambda scales its pollers. Never on the production path.
 */
public final class QueueEventSource implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SqsClient sqs;
  private final String queueUrl;
  private final String queueArn;
  private final RequestStreamHandler handler;
  private final int batchSize;
  private final PrintStream log;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong invocations = new AtomicLong();
  private final AtomicLong failedMessages = new AtomicLong();
  private final List<Thread> pollers = new ArrayList<>();

  private QueueEventSource(SqsClient sqs, String queueUrl, String queueArn, RequestStreamHandler handler, int batchSize, PrintStream log) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.queueArn = queueArn;
    this.handler = handler;
    this.batchSize = batchSize;
    this.log = log;
  }

  /** Starts {@code concurrency} pollers of {@code queueUrl} delivering to {@code handler}. */
  public static QueueEventSource start(
      SqsClient sqs, String queueUrl, String queueArn, RequestStreamHandler handler, int batchSize, int concurrency, PrintStream log) {
    QueueEventSource source = new QueueEventSource(sqs, queueUrl, queueArn, handler, batchSize, log);
    for (int i = 0; i < concurrency; i++) {
      Thread poller = new Thread(source::poll, "sqs-event-source-" + i);
      poller.setDaemon(true);
      source.pollers.add(poller);
      poller.start();
    }
    return source;
  }

  /** Invocations of the function so far. */
  public long invocations() {
    return invocations.get();
  }

  /** Messages the function reported failed (or threw on) so far; each comes back, or goes to the DLQ. */
  public long failedMessages() {
    return failedMessages.get();
  }

  private void poll() {
    while (running.get()) {
      ReceiveMessageResponse received;
      try {
        // Long polling, short enough that close() is not kept waiting.
        received = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(batchSize).waitTimeSeconds(1)
            .messageSystemAttributeNames(MessageSystemAttributeName.ALL).messageAttributeNames("All"));
      } catch (RuntimeException e) {
        if (running.get()) {
          log.println("sqs event source: receive failed: " + e.getMessage());
        }
        continue;
      }
      if (received.messages().isEmpty()) {
        continue;
      }
      deliver(received.messages());
    }
  }

  private void deliver(List<Message> messages) {
    Set<String> failed = new HashSet<>();
    try {
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      handler.handleRequest(new ByteArrayInputStream(event(messages)), response, null);
      JsonNode reply = response.size() == 0 ? JSON.nullNode() : JSON.readTree(response.toByteArray());
      reply.path("batchItemFailures").forEach(f -> failed.add(f.path("itemIdentifier").asText()));
    } catch (Exception e) {
      log.println("sqs event source: the function failed on " + messages.size() + " message(s): " + e);
      messages.forEach(m -> failed.add(m.messageId()));
    } finally {
      invocations.incrementAndGet();
    }
    failedMessages.addAndGet(failed.size());
    List<DeleteMessageBatchRequestEntry> handled = new ArrayList<>();
    for (Message message : messages) {
      if (!failed.contains(message.messageId())) {
        handled.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(handled.size())).receiptHandle(message.receiptHandle()).build());
      }
    }
    if (!handled.isEmpty()) {
      sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(handled));
    }
  }

  /** Lambda's SQS event for {@code messages}. */
  private byte[] event(List<Message> messages) throws IOException {
    ObjectNode event = JSON.createObjectNode();
    ArrayNode records = event.putArray("Records");
    for (Message message : messages) {
      ObjectNode record = records.addObject();
      record.put("messageId", message.messageId());
      record.put("receiptHandle", message.receiptHandle());
      record.put("body", message.body());
      ObjectNode attributes = record.putObject("attributes");
      for (Map.Entry<MessageSystemAttributeName, String> attribute : message.attributes().entrySet()) {
        attributes.put(attribute.getKey().toString(), attribute.getValue());
      }
      ObjectNode messageAttributes = record.putObject("messageAttributes");
      message.messageAttributes().forEach((name, value) ->
          messageAttributes.putObject(name).put("stringValue", value.stringValue()).put("dataType", value.dataType()));
      record.put("md5OfBody", message.md5OfBody());
      record.put("eventSource", "aws:sqs");
      record.put("eventSourceARN", queueArn);
      record.put("awsRegion", "us-east-1");
    }
    return JSON.writeValueAsBytes(event);
  }

  @Override
  public void close() {
    running.set(false);
    for (Thread poller : pollers) {
      try {
        poller.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
