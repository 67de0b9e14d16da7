package io.cqrssuite.reliability.alarm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.factory.DefaultEventFactory;
import io.cqrssuite.factory.EventDecoder;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.logging.CorrelationContext;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.outbound.OutboundMessage;
import io.cqrssuite.outbound.OutboundMessages;
import io.cqrssuite.testing.aws.AwsEmulator;
import io.cqrssuite.alarm.Alarm;
import io.cqrssuite.alarm.Severity;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * SNS fan-out to SQS, which no in-JVM server speaks, on an {@link AwsEmulator}: an alarm (contract §5) and a
 * handler's message reach a subscribed queue with raw message delivery, their {@code correlationId} turned into an
 * SQS message attribute the receiving function reads, and a subscription's filter policy on the alarm's body lets
 * only the severities it names through. The wire format of each request is also proven without any emulator in the
 * shared module's tests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AlarmFanOutContract {
  private AwsEmulator emulator;
  private SnsClient sns;
  private SqsClient sqs;
  private int subscriptions;

  private final ObjectMapper mapper = EventJson.newMapper();
  private final CorrelationContext correlation = new CorrelationContext();
  private final StructuredLog log =
      new StructuredLog("catalog", new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), StructuredLog.Level.INFO);
  private String topicArn;
  private String queueUrl;
  private String queueArn;

  /** Starts the emulator with SNS and SQS; called once per class. */
  abstract AwsEmulator start();

  @BeforeAll
  void startEmulator() {
    emulator = start();
    sns = emulator.client(SnsClient.builder(), "SNS");
    sqs = emulator.client(SqsClient.builder(), "SQS");
  }

  @AfterAll
  void stopEmulator() {
    if (sns != null) {
      sns.close();
    }
    if (sqs != null) {
      sqs.close();
    }
    if (emulator != null) {
      emulator.close();
    }
  }

  /** A fresh topic with a fresh queue subscribed to it, raw message delivery on. */
  @BeforeEach
  void subscribe() {
    int n = ++subscriptions;
    topicArn = sns.createTopic(b -> b.name("suite-alarms-" + n)).topicArn();
    queueUrl = sqs.createQueue(b -> b.queueName("alarm-inbox-" + n)).queueUrl();
    queueArn =
        sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    sns.subscribe(b -> b.topicArn(topicArn)
        .protocol("sqs")
        .endpoint(queueArn)
        .attributes(Map.of("RawMessageDelivery", "true"))
        .returnSubscriptionArn(true));
  }

  private Message receiveOne() {
    List<Message> found = receive(queueUrl, 1);
    assertThat(found).as("a message on the subscribed queue within 30 s").hasSize(1);
    return found.get(0);
  }

  /** Messages of {@code queue}, polled until {@code expected} arrived or 30 s passed. */
  private List<Message> receive(String queue, int expected) {
    List<Message> found = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (found.size() < expected && System.nanoTime() < deadline) {
      found.addAll(
          sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(2).messageAttributeNames("All"))
              .messages());
    }
    return found;
  }

  /** What the receiving function makes of the message: its correlation id as the factory reads it. */
  private String correlationIdReceived(Message message) {
    ObjectNode event = mapper.createObjectNode();
    ObjectNode record = event.putArray("Records").addObject();
    record.put("messageId", message.messageId()).put("receiptHandle", message.receiptHandle()).put("body", message.body());
    record.putObject("attributes").put("ApproximateReceiveCount", "1");
    ObjectNode attributes = record.putObject("messageAttributes");
    for (Map.Entry<String, MessageAttributeValue> attribute : message.messageAttributes().entrySet()) {
      attributes.putObject(attribute.getKey())
          .put("stringValue", attribute.getValue().stringValue())
          .put("dataType", attribute.getValue().dataType());
    }
    record.put("eventSource", "aws:sqs").put("eventSourceARN", queueArn).put("awsRegion", emulator.region());
    return new EventDecoder(mapper, new DefaultEventFactory()).decode(event).records().get(0).correlationId();
  }

  @Test
  void anAlarmArrivesWithItsCorrelationIdAttributeAndTheJsonBody() throws Exception {
    AlarmPublisher alarms =
        new AlarmPublisher(sns, topicArn, null, Duration.ofMinutes(5), "catalog", mapper, log, Clock.systemUTC(), correlation);

    try (CorrelationContext.Scope scope = correlation.open("req-emulated-alarm")) {
      alarms.raise(List.of(new Alarm(
          Severity.ERROR, "catalog", "orders", "io.cqrssuite.failure.PermanentException", "order has no items",
          List.of("e-1", "e-2"), 2)));
    }
    Message message = receiveOne();

    assertThat(message.messageAttributes().get("correlationId").stringValue()).isEqualTo("req-emulated-alarm");
    assertThat(message.messageAttributes().get("correlationId").dataType()).isEqualTo("String");
    assertThat(correlationIdReceived(message)).isEqualTo("req-emulated-alarm");
    JsonNode body = mapper.readTree(message.body());
    assertThat(body.path("severity").asText()).isEqualTo("ERROR");
    assertThat(body.path("source").asText()).isEqualTo("catalog");
    assertThat(body.path("handler").asText()).isEqualTo("orders");
    assertThat(body.path("errorClass").asText()).isEqualTo("io.cqrssuite.failure.PermanentException");
    assertThat(body.path("errorMessage").asText()).isEqualTo("order has no items");
    assertThat(body.path("eventIds")).extracting(JsonNode::asText).containsExactly("e-1", "e-2");
    assertThat(body.path("count").asInt()).isEqualTo(2);
    assertThat(body.path("fingerprint").asText()).hasSize(32);
    assertThat(body.has("windowStart") && body.has("windowEnd") && body.has("suppressedInPreviousWindow")).isTrue();
    assertThat(body.path("deduplicated").asBoolean()).isFalse();
  }

  @Test
  void aHandlersPublishedMessageReachesTheQueueUnderTheSameCorrelationId() {
    OutboundMessages outbound = new OutboundMessages(() -> sqs, () -> sns, correlation);

    try (CorrelationContext.Scope scope = correlation.open("req-emulated-order")) {
      outbound.publish(topicArn, OutboundMessage.of("{\"orderId\":\"O-1005\"}"));
    }
    Message message = receiveOne();

    assertThat(message.body()).isEqualTo("{\"orderId\":\"O-1005\"}");
    assertThat(correlationIdReceived(message)).isEqualTo("req-emulated-order");
  }

  @Test
  void aSubscriptionFilteringOnTheBodysSeverityReceivesOnlyTheAlarmsItNames() throws Exception {
    String pagerUrl = sqs.createQueue(b -> b.queueName("pager-" + subscriptions)).queueUrl();
    String pagerArn = sqs.getQueueAttributes(b -> b.queueUrl(pagerUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes().get(QueueAttributeName.QUEUE_ARN);
    sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(pagerArn).attributes(Map.of(
        "RawMessageDelivery", "true",
        "FilterPolicyScope", "MessageBody",
        "FilterPolicy", "{\"severity\": [\"CRITICAL\"]}")));
    AlarmPublisher alarms =
        new AlarmPublisher(sns, topicArn, null, Duration.ofMinutes(5), "catalog", mapper, log, Clock.systemUTC(), correlation);

    alarms.raise(List.of(
        new Alarm(Severity.ERROR, "catalog", "orders", "io.cqrssuite.failure.PermanentException", "order has no items", List.of("e-1"), 1),
        new Alarm(Severity.CRITICAL, "catalog", "orders", "java.lang.OutOfMemoryError", "heap", List.of("e-2"), 1)));

    // Both reached the unfiltered queue, so SNS has routed both: the pager queue holds all it will get.
    assertThat(receive(queueUrl, 2)).extracting(m -> mapper.readTree(m.body()).path("severity").asText())
        .containsExactlyInAnyOrder("ERROR", "CRITICAL");
    List<Message> paged = receive(pagerUrl, 1);
    paged.addAll(sqs.receiveMessage(b -> b.queueUrl(pagerUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages());
    assertThat(paged).extracting(m -> mapper.readTree(m.body()).path("severity").asText()).containsExactly("CRITICAL");
  }
}
