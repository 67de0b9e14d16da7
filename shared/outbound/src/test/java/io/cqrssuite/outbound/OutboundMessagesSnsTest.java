package io.cqrssuite.outbound;

import io.cqrssuite.testing.aws.CapturingEndpoint;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.factory.DefaultEventFactory;
import io.cqrssuite.factory.EventDecoder;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.logging.CorrelationContext;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * SNS {@code Publish} as the SDK puts it on the wire (the AWS Query protocol, form-encoded), captured by an HTTP
 * server in this JVM: no SNS server runs here.
 */
class OutboundMessagesSnsTest {
  private static final String TOPIC = "arn:aws:sns:us-east-1:000000000000:order-events";
  private static final String FIFO_TOPIC = "arn:aws:sns:us-east-1:000000000000:order-events.fifo";

  private final ObjectMapper mapper = EventJson.newMapper();
  private final AtomicInteger ids = new AtomicInteger();
  private final CapturingEndpoint sns =
      new CapturingEndpoint(request -> new CapturingEndpoint.Response(
          200,
          "text/xml",
          "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult><MessageId>msg-"
              + ids.incrementAndGet() + "</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId>"
              + "</ResponseMetadata></PublishResponse>"));
  private final CorrelationContext correlation = new CorrelationContext();
  private final AtomicInteger clientsBuilt = new AtomicInteger();
  private final OutboundMessages outbound =
      new OutboundMessages(
          () -> {
            throw new AssertionError("no SQS client is needed to publish");
          },
          () -> {
            clientsBuilt.incrementAndGet();
            return new AwsClients(new AwsSettings("us-east-1", Map.of("SNS", sns.endpoint()), null, 1, Duration.ofSeconds(5)))
                .configure(SnsClient.builder(), "SNS")
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
          },
          correlation);

  @AfterEach
  void stop() {
    sns.close();
  }

  @Test
  void publishCarriesTheCurrentCorrelationIdAsAStringMessageAttribute() {
    String messageId;
    try (CorrelationContext.Scope scope = correlation.open("req-4711")) {
      messageId = outbound.publish(TOPIC, "ORDER_CREATED O-1005", OutboundMessage.of("{\"orderId\":\"O-1005\"}"));
    }

    assertThat(messageId).isEqualTo("msg-1");
    Map<String, String> form = sns.requests().get(0).form();
    assertThat(form)
        .containsEntry("Action", "Publish")
        .containsEntry("TopicArn", TOPIC)
        .containsEntry("Subject", "ORDER_CREATED O-1005")
        .containsEntry("Message", "{\"orderId\":\"O-1005\"}")
        .containsEntry("MessageAttributes.entry.1.Name", "correlationId")
        .containsEntry("MessageAttributes.entry.1.Value.DataType", "String")
        .containsEntry("MessageAttributes.entry.1.Value.StringValue", "req-4711")
        .doesNotContainKeys("MessageGroupId", "MessageDeduplicationId", "MessageAttributes.entry.2.Name");
  }

  @Test
  void aFifoPublishNamesItsGroupAndDeduplicationId() {
    try (CorrelationContext.Scope scope = correlation.open("req-1")) {
      outbound.publish(FIFO_TOPIC, OutboundMessage.fifo("{}", "acme", "O-1005#created"));
    }

    assertThat(sns.requests().get(0).form())
        .containsEntry("MessageGroupId", "acme")
        .containsEntry("MessageDeduplicationId", "O-1005#created")
        .containsEntry("MessageAttributes.entry.1.Value.StringValue", "req-1")
        .doesNotContainKey("Subject");
  }

  @Test
  void outsideAScopeNothingIsStampedAndTheClientIsBuiltOnce() {
    outbound.publish(TOPIC, OutboundMessage.of("a"));
    outbound.publish(TOPIC, OutboundMessage.of("b"));

    assertThat(sns.requests()).hasSize(2);
    assertThat(sns.requests().get(0).form().keySet()).noneMatch(k -> k.startsWith("MessageAttributes"));
    assertThat(clientsBuilt).hasValue(1);
  }

  @Test
  void theIdPublishedIsTheOneTheReceivingFunctionReadsFromTheNotification() {
    try (CorrelationContext.Scope scope = correlation.open("req-round-trip")) {
      outbound.publish(TOPIC, OutboundMessage.of("{\"orderId\":\"O-1\"}"));
    }
    Map<String, String> form = sns.requests().get(0).form();

    // The notification SNS delivers to a subscribed function, built from what was published.
    ObjectNode event = mapper.createObjectNode();
    ObjectNode record = event.putArray("Records").addObject();
    record.put("EventSource", "aws:sns").put("EventVersion", "1.0").put("EventSubscriptionArn", TOPIC + ":sub-1");
    ObjectNode notification = record.putObject("Sns");
    notification.put("Type", "Notification").put("MessageId", "msg-1").put("TopicArn", form.get("TopicArn"))
        .put("Message", form.get("Message")).put("Timestamp", "2026-11-25T20:00:00.000Z");
    notification.putObject("MessageAttributes").putObject(form.get("MessageAttributes.entry.1.Name"))
        .put("Type", form.get("MessageAttributes.entry.1.Value.DataType"))
        .put("Value", form.get("MessageAttributes.entry.1.Value.StringValue"));

    String received = new EventDecoder(mapper, new DefaultEventFactory()).decode(event).records().get(0).correlationId();

    assertThat(received).isEqualTo("req-round-trip");
  }
}
