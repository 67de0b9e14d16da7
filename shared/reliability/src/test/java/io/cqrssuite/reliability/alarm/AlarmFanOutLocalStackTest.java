package io.cqrssuite.reliability.alarm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.factory.DefaultEventFactory;
import io.cqrssuite.factory.EventDecoder;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.logging.CorrelationContext;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.outbound.OutboundMessage;
import io.cqrssuite.outbound.OutboundMessages;
import io.cqrssuite.alarm.Alarm;
import io.cqrssuite.reliability.alarm.AlarmPublisher;
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
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * SNS fan-out to SQS, which no in-JVM server speaks, in LocalStack: an alarm (contract §5) and a handler's
 * message reach a subscribed queue with raw message delivery, their {@code correlationId} turned into an SQS
 * message attribute the receiving function reads. Needs Docker; skipped without it (the wire format of each
 * request is proven without Docker in the shared module's tests).
 */
@Testcontainers(disabledWithoutDocker = true)
class AlarmFanOutLocalStackTest {
  private static final DockerImageName IMAGE = DockerImageName.parse("localstack/localstack:3.8.1");

  private static LocalStackContainer localstack;
  private static SnsClient sns;
  private static SqsClient sqs;
  private static int subscriptions;

  private final ObjectMapper mapper = EventJson.newMapper();
  private final CorrelationContext correlation = new CorrelationContext();
  private final StructuredLog log =
      new StructuredLog("catalog", new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), StructuredLog.Level.INFO);
  private String topicArn;
  private String queueUrl;
  private String queueArn;

  @BeforeAll
  static void start() {
    localstack = new LocalStackContainer(IMAGE).withServices(LocalStackContainer.Service.SNS, LocalStackContainer.Service.SQS);
    localstack.start();
    AwsClients clients =
        new AwsClients(new AwsSettings(
            localstack.getRegion(),
            Map.of("SNS", localstack.getEndpoint(), "SQS", localstack.getEndpoint()),
            null,
            1,
            Duration.ofSeconds(10)));
    StaticCredentialsProvider credentials =
        StaticCredentialsProvider.create(AwsBasicCredentials.create(localstack.getAccessKey(), localstack.getSecretKey()));
    sns = clients.configure(SnsClient.builder(), "SNS").credentialsProvider(credentials).build();
    sqs = clients.configure(SqsClient.builder(), "SQS").credentialsProvider(credentials).build();
  }

  @AfterAll
  static void stop() {
    if (sns != null) {
      sns.close();
    }
    if (sqs != null) {
      sqs.close();
    }
    if (localstack != null) {
      localstack.stop();
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
    List<Message> found = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (found.isEmpty() && System.nanoTime() < deadline) {
      found.addAll(
          sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(1).waitTimeSeconds(2).messageAttributeNames("All"))
              .messages());
    }
    assertThat(found).as("a message on the subscribed queue within 30 s").hasSize(1);
    return found.get(0);
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
    record.put("eventSource", "aws:sqs").put("eventSourceARN", queueArn).put("awsRegion", localstack.getRegion());
    return new EventDecoder(mapper, new DefaultEventFactory()).decode(event).records().get(0).correlationId();
  }

  @Test
  void anAlarmArrivesWithItsCorrelationIdAttributeAndTheJsonBody() throws Exception {
    AlarmPublisher alarms =
        new AlarmPublisher(sns, topicArn, null, Duration.ofMinutes(5), "catalog", mapper, log, Clock.systemUTC(), correlation);

    try (CorrelationContext.Scope scope = correlation.open("req-localstack-alarm")) {
      alarms.raise(List.of(new Alarm(
          Severity.ERROR, "catalog", "orders", "io.cqrssuite.failure.PermanentException", "order has no items",
          List.of("e-1", "e-2"), 2)));
    }
    Message message = receiveOne();

    assertThat(message.messageAttributes().get("correlationId").stringValue()).isEqualTo("req-localstack-alarm");
    assertThat(message.messageAttributes().get("correlationId").dataType()).isEqualTo("String");
    assertThat(correlationIdReceived(message)).isEqualTo("req-localstack-alarm");
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

    try (CorrelationContext.Scope scope = correlation.open("req-localstack-order")) {
      outbound.publish(topicArn, OutboundMessage.of("{\"orderId\":\"O-1005\"}"));
    }
    Message message = receiveOne();

    assertThat(message.body()).isEqualTo("{\"orderId\":\"O-1005\"}");
    assertThat(correlationIdReceived(message)).isEqualTo("req-localstack-order");
  }
}
