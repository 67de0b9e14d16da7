package io.cqrssuite.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.factory.DefaultEventFactory;
import io.cqrssuite.factory.EventDecoder;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.factory.InboundBatch;
import io.cqrssuite.factory.InboundRecord;
import io.cqrssuite.logging.CorrelationContext;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The correlation id round trip over a real SQS wire protocol (ElasticMQ in this JVM): sent through
 * {@link OutboundMessages} inside a scope, received as a Lambda SQS event, read back by the factory.
 */
class OutboundMessagesSqsTest {
  private static SQSRestServer server;
  private static SqsClient sqs;
  private static int queues;

  private final ObjectMapper mapper = EventJson.newMapper();
  private final EventDecoder decoder = new EventDecoder(mapper, new DefaultEventFactory());
  private final CorrelationContext correlation = new CorrelationContext();
  private final OutboundMessages outbound =
      new OutboundMessages(() -> sqs, () -> {
        throw new AssertionError("no SNS client is needed to send to SQS");
      }, correlation);
  private String queueUrl;

  @BeforeAll
  static void start() {
    server = SQSRestServerBuilder.withDynamicPort().withInterface("127.0.0.1").start();
    int port = server.waitUntilStarted().localAddress().getPort();
    sqs = new AwsClients(new AwsSettings("us-east-1", Map.of("SQS", URI.create("http://127.0.0.1:" + port)), null, 1, Duration.ofSeconds(5)))
        .configure(SqsClient.builder(), "SQS")
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .build();
  }

  @AfterAll
  static void stop() {
    if (sqs != null) {
      sqs.close();
    }
    if (server != null) {
      server.stopAndWait();
    }
  }

  @BeforeEach
  void freshQueue() {
    queueUrl = sqs.createQueue(b -> b.queueName("outbound-" + (++queues))).queueUrl();
  }

  /** Receives until {@code expected} messages arrived or ten seconds passed. */
  private List<Message> receive(String url, int expected) {
    List<Message> found = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (found.size() < expected && System.nanoTime() < deadline) {
      found.addAll(
          sqs.receiveMessage(b -> b.queueUrl(url)
                  .maxNumberOfMessages(10)
                  .waitTimeSeconds(1)
                  .messageAttributeNames("All")
                  .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
              .messages());
    }
    return found;
  }

  /** The messages of {@code url} as Lambda's event source mapping hands them to a function. */
  private ObjectNode lambdaEvent(String url, List<Message> messages) {
    String queueArn = "arn:aws:sqs:us-east-1:000000000000:" + url.substring(url.lastIndexOf('/') + 1);
    ObjectNode event = mapper.createObjectNode();
    var records = event.putArray("Records");
    for (Message message : messages) {
      ObjectNode record = records.addObject();
      record.put("messageId", message.messageId()).put("receiptHandle", message.receiptHandle()).put("body", message.body());
      ObjectNode attributes = record.putObject("attributes");
      message.attributesAsStrings().forEach(attributes::put);
      ObjectNode messageAttributes = record.putObject("messageAttributes");
      for (Map.Entry<String, MessageAttributeValue> attribute : message.messageAttributes().entrySet()) {
        ObjectNode value = messageAttributes.putObject(attribute.getKey());
        value.put("stringValue", attribute.getValue().stringValue()).put("dataType", attribute.getValue().dataType());
        value.putArray("stringListValues");
        value.putArray("binaryListValues");
      }
      record.put("md5OfBody", message.md5OfBody()).put("eventSource", "aws:sqs")
          .put("eventSourceARN", queueArn).put("awsRegion", "us-east-1");
    }
    return event;
  }

  @Test
  void aMessageSentInsideAScopeIsReceivedWithItsCorrelationId() {
    String messageId;
    try (CorrelationContext.Scope scope = correlation.open("req-sqs-1")) {
      messageId = outbound.send(queueUrl, OutboundMessage.of("{\"orderId\":\"O-1\"}"));
    }

    List<Message> received = receive(queueUrl, 1);
    InboundRecord record = decoder.decode(lambdaEvent(queueUrl, received)).records().get(0);

    assertThat(received.get(0).messageId()).isEqualTo(messageId);
    assertThat(received.get(0).messageAttributes().get("correlationId").dataType()).isEqualTo("String");
    assertThat(record.correlationId()).isEqualTo("req-sqs-1");
  }

  @Test
  void aBatchLargerThanOneCallArrivesWhole() {
    List<OutboundMessage> messages =
        IntStream.range(0, 23).mapToObj(i -> OutboundMessage.of("{\"n\":" + i + "}")).toList();

    List<OutboundMessages.Sent> sent;
    try (CorrelationContext.Scope scope = correlation.open("req-batch")) {
      sent = outbound.sendBatch(queueUrl, messages);
    }
    List<Message> received = receive(queueUrl, 23);
    InboundBatch batch = decoder.decode(lambdaEvent(queueUrl, received));

    assertThat(sent).hasSize(23).allSatisfy(s -> assertThat(s.succeeded()).isTrue());
    assertThat(sent).extracting(OutboundMessages.Sent::message).containsExactlyElementsOf(messages);
    assertThat(received).extracting(Message::messageId)
        .containsExactlyInAnyOrderElementsOf(sent.stream().map(OutboundMessages.Sent::messageId).toList());
    assertThat(batch.records()).hasSize(23).allSatisfy(r -> assertThat(r.correlationId()).isEqualTo("req-batch"));
  }

  @Test
  void aFifoMessageKeepsItsGroupAndIsDeduplicatedOnARepeatedSend() {
    String fifoUrl =
        sqs.createQueue(b -> b.queueName("outbound-" + (++queues) + ".fifo")
                .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true")))
            .queueUrl();

    try (CorrelationContext.Scope scope = correlation.open("req-fifo")) {
      outbound.send(fifoUrl, OutboundMessage.fifo("{\"orderId\":\"O-2\"}", "acme", "O-2#created"));
      // A redelivered record sends again: the de-duplication id makes it a no-op.
      outbound.send(fifoUrl, OutboundMessage.fifo("{\"orderId\":\"O-2\"}", "acme", "O-2#created"));
      outbound.send(fifoUrl, OutboundMessage.fifo("{\"orderId\":\"O-3\"}", "acme", "O-3#created"));
    }
    List<Message> received = new ArrayList<>(receive(fifoUrl, 2));
    received.sort(Comparator.comparing(Message::body));
    List<InboundRecord> records = decoder.decode(lambdaEvent(fifoUrl, received)).records();

    assertThat(received).extracting(Message::body).containsExactly("{\"orderId\":\"O-2\"}", "{\"orderId\":\"O-3\"}");
    assertThat(records).extracting(InboundRecord::orderingKey).containsOnly("group:acme");
    assertThat(records).extracting(InboundRecord::correlationId).containsOnly("req-fifo");
  }

  @Test
  void withoutAScopeTheReceiverFallsBackToTheMessageId() {
    String messageId = outbound.send(queueUrl, OutboundMessage.of("{}"));

    List<Message> received = receive(queueUrl, 1);

    assertThat(received.get(0).messageAttributes()).doesNotContainKey("correlationId");
    assertThat(decoder.decode(lambdaEvent(queueUrl, received)).records().get(0).correlationId()).isEqualTo(messageId);
  }
}
