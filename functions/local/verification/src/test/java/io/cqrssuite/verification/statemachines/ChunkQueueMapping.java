package io.cqrssuite.verification.statemachines;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * What the SQS event source mapping does for the chunk queue, in the test: receives each message, hands it to the
 * function as Lambda's SQS event (one record a batch) and deletes it unless the function failed it. A route picks
 * the function per task message, so a test can send one delivery to a function whose store is down, or alter a
 * message in transit; every delivered task body is kept, in order.
 */
final class ChunkQueueMapping implements AutoCloseable {
  /** Which function gets a task message, and the message as it reaches it. */
  interface Route {
    Delivery route(ObjectNode task);
  }

  record Delivery(RequestStreamHandler function, ObjectNode task) {}

  private final SqsClient sqs;
  private final String queueUrl;
  private final String queueArn;
  private final ObjectMapper mapper;
  private final List<JsonNode> delivered = new CopyOnWriteArrayList<>();
  private final Thread poller;
  private volatile Route route;
  private volatile boolean running = true;

  ChunkQueueMapping(SqsClient sqs, String queueUrl, String queueArn, ObjectMapper mapper, Route route) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.queueArn = queueArn;
    this.mapper = mapper;
    this.route = route;
    this.poller = new Thread(this::poll, "chunk-queue-mapping");
    poller.setDaemon(true);
    poller.start();
  }

  void route(Route route) {
    this.route = route;
  }

  /** The task bodies delivered so far, as the function received them. */
  List<JsonNode> delivered() {
    return List.copyOf(delivered);
  }

  private void poll() {
    while (running) {
      List<Message> messages;
      try {
        messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(1).waitTimeSeconds(1)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
            .messages();
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        throw e;
      }
      for (Message message : messages) {
        deliver(message);
      }
    }
  }

  private void deliver(Message message) {
    try {
      Delivery delivery = route.route((ObjectNode) mapper.readTree(message.body()));
      delivered.add(delivery.task());
      ObjectNode record = mapper.createObjectNode();
      record.put("messageId", message.messageId());
      record.put("receiptHandle", message.receiptHandle());
      record.put("body", mapper.writeValueAsString(delivery.task()));
      ObjectNode attributes = record.putObject("attributes");
      message.attributesAsStrings().forEach(attributes::put);
      record.putObject("messageAttributes");
      record.put("md5OfBody", message.md5OfBody());
      record.put("eventSource", "aws:sqs");
      record.put("eventSourceARN", queueArn);
      record.put("awsRegion", "us-east-1");
      ObjectNode event = mapper.createObjectNode();
      event.putArray("Records").add(record);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      delivery.function().handleRequest(new ByteArrayInputStream(mapper.writeValueAsBytes(event)), out, null);
      JsonNode response = out.size() == 0 ? null : mapper.readTree(out.toByteArray());
      if (response == null || response.path("batchItemFailures").isEmpty()) {
        sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
      }
    } catch (Exception e) {
      // As Lambda: a failed invocation leaves the message to reappear after its visibility timeout.
      System.err.println("chunk-queue-mapping: delivery failed: " + e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    poller.join(5_000);
  }
}
