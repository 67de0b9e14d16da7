package io.cqrssuite.entrypoint;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.bus.BatchProcessor;
import io.cqrssuite.bus.EventBus;
import io.cqrssuite.bus.EventHandler;
import io.cqrssuite.bus.UnhandledEvents;
import io.cqrssuite.event.DataChangeEvent;
import io.cqrssuite.event.SnsMessageEvent;
import io.cqrssuite.event.SqsMessageEvent;
import io.cqrssuite.event.TaskEvent;
import io.cqrssuite.factory.DefaultEventFactory;
import io.cqrssuite.factory.EventDecoder;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.failure.PermanentException;
import io.cqrssuite.fixtures.FailureOutputs;
import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.fixtures.TestHandler;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, point 5: whatever a failure writes outside the dead-letter envelope (log lines, stdout and stderr,
 * alarms, {@code SendTaskFailure} causes, the error an asynchronous invocation ends with) names ids, names, types and
 * lengths, never a record's values; the envelope keeps the values and the raw error text. Each test plants a marker
 * in every non-identifier field and fails the record on one path.
 */
class RecordValuesStayInTheEnvelopeTest {
  private static final ObjectMapper JSON = EventJson.newMapper();

  private final FailureOutputs out = new FailureOutputs();

  private EventEntrypoint entrypoint(EventHandler<?>... handlers) {
    return EventEntrypoint.builder(
            JSON,
            new EventDecoder(JSON, new DefaultEventFactory()),
            BatchProcessor.builder(new EventBus(new LinkedHashSet<>(List.of(handlers)), UnhandledEvents.FAIL)).build())
        .taskCallbacks(out.taskCallbacks())
        .log(out.log())
        .deadLetters(out.deadLetters())
        .alarms(out.alarms())
        .build();
  }

  private InvocationOutcome handle(EventEntrypoint entrypoint, byte[] document) {
    return out.capturing(() -> entrypoint.handle(new ByteArrayInputStream(document)));
  }

  private InvocationOutcome handle(EventEntrypoint entrypoint, JsonNode event) {
    return handle(entrypoint, event.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The failure an invocation ends with reaches Lambda's error response and log, causes included. */
  private static String thrown(InvocationOutcome outcome) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = outcome.error(); t != null; t = t.getCause()) {
      text.append(t).append('\n');
    }
    return text.toString();
  }

  @Test
  void aDocumentThatIsNoJsonIsQuotedOnlyInTheEnvelope() {
    // Jackson quotes an unexpected token up to the first character that cannot continue a Java identifier.
    String marker = out.marker().replace('-', '_');
    byte[] document = ("{\"Records\":[{\"body\": " + marker + "}]}").getBytes(StandardCharsets.UTF_8);

    InvocationOutcome outcome = handle(entrypoint(TestHandler.ok("orders", SqsMessageEvent.class)), document);

    assertThat(outcome.deadLettered()).isEqualTo(1);
    assertThat(out.insideTheEnvelope()).contains(marker);
    assertThat(out.raisedAlarms()).hasSize(1);
    assertThat(out.raisedAlarms().get(0).errorMessage()).contains("malformed JSON").contains("line 1");
    assertThat(out.envelopeErrorMessages()).as("the parser's own text goes to the envelope").contains(marker);
    assertThat(out.outsideTheEnvelope() + thrown(outcome)).doesNotContain(FailureOutputs.PREFIX);
  }

  @Test
  void aStreamRecordThatCannotBeDecodedIsQuotedOnlyInTheEnvelope() {
    ObjectNode event = SampleEvents.tree("dynamodb/product-command-changes.json");
    ObjectNode record = (ObjectNode) event.get("Records").get(0);
    event.putArray("Records").add(record);
    ObjectNode image = (ObjectNode) record.get("dynamodb").get("NewImage");
    plant(image, "name", "description", "category");
    image.set("price", JSON.createObjectNode().put("N", out.marker()));

    InvocationOutcome outcome = handle(entrypoint(TestHandler.ok("products", DataChangeEvent.class)), event);

    assertThat(outcome.deadLettered()).isEqualTo(1);
    assertThat(out.insideTheEnvelope()).contains(out.marker());
    assertThat(out.raisedAlarms().get(0).errorMessage()).contains("price").contains("not a number");
    assertThat(out.envelopeErrorMessages()).contains(FailureOutputs.PREFIX);
    assertThat(out.outsideTheEnvelope() + thrown(outcome)).doesNotContain(FailureOutputs.PREFIX);
  }

  @Test
  void aHandlerExceptionQuotingAValueIsShownByItsTypeOnly() {
    ObjectNode event = sqsWithMarker();
    TestHandler<SqsMessageEvent> parsing =
        TestHandler.of("orders", SqsMessageEvent.class, e -> Integer.parseInt(JSON.readTree(e.body()).path("orderId").asText()));

    InvocationOutcome outcome = handle(entrypoint(parsing), event);

    assertThat(outcome.response().get("batchItemFailures")).hasSize(3);
    assertThat(out.logText()).contains("NumberFormatException");
    assertThat(out.outsideTheEnvelope() + thrown(outcome)).doesNotContain(FailureOutputs.PREFIX);
  }

  @Test
  void aPermanentHandlerFailureKeepsItsCauseForTheEnvelope() {
    ObjectNode event = sqsWithMarker();
    TestHandler<SqsMessageEvent> parsing =
        TestHandler.of(
            "orders",
            SqsMessageEvent.class,
            e -> {
              String orderId = JSON.readTree(e.body()).path("orderId").asText();
              try {
                return Integer.parseInt(orderId);
              } catch (NumberFormatException n) {
                throw new PermanentException("the order id is not a number", n);
              }
            });

    InvocationOutcome outcome = handle(entrypoint(parsing), event);

    assertThat(outcome.deadLettered()).isEqualTo(3);
    assertThat(out.raisedAlarms().get(0).errorMessage()).isEqualTo("the order id is not a number");
    assertThat(out.envelopeErrorMessages()).as("the cause's text goes to the envelope").contains(out.marker());
    assertThat(out.outsideTheEnvelope() + thrown(outcome)).doesNotContain(FailureOutputs.PREFIX);
  }

  @Test
  void anAsynchronousDeliveryFailsWithoutQuotingTheRecord() {
    ObjectNode event = SampleEvents.tree("sns/notification.json");
    for (JsonNode record : event.get("Records")) {
      ((ObjectNode) record.get("Sns")).put("Message", out.marker()).put("Subject", out.marker());
    }
    TestHandler<SnsMessageEvent> parsing =
        TestHandler.of("notifications", SnsMessageEvent.class, e -> Integer.parseInt(e.message()));

    InvocationOutcome outcome = handle(entrypoint(parsing), event);

    assertThat(outcome.error()).isInstanceOf(DeliveryFailedException.class);
    assertThat(thrown(outcome)).contains("NumberFormatException");
    assertThat(out.outsideTheEnvelope() + thrown(outcome)).doesNotContain(FailureOutputs.PREFIX);
  }

  @Test
  void aFailedTaskIsAnsweredWithoutQuotingItsInput() {
    ObjectNode task = SampleEvents.tree("stepfunctions/task-with-token.json");
    ObjectNode input = (ObjectNode) task.get("input");
    plant(input, "bucket", "key", "versionId", "eTag");
    TestHandler<TaskEvent> parsing =
        TestHandler.of("summary", TaskEvent.class, e -> Integer.parseInt(e.input().path("key").asText()));

    handle(entrypoint(parsing), task);

    assertThat(out.taskFailures()).hasSize(1);
    assertThat(out.taskFailures().get(0)).contains("NumberFormatException");
    assertThat(out.outsideTheEnvelope()).doesNotContain(FailureOutputs.PREFIX);
  }

  private ObjectNode sqsWithMarker() {
    ObjectNode event = SampleEvents.tree("sqs/standard-batch.json");
    for (JsonNode record : event.get("Records")) {
      ObjectNode body = JSON.createObjectNode();
      for (String field : List.of("type", "orderId", "tenantCode", "createdAt")) {
        body.put(field, out.marker());
      }
      ((ObjectNode) record).put("body", body.toString());
    }
    return event;
  }

  /** The marker in the named string fields, in DynamoDB's attribute-value form when the node holds one. */
  private void plant(ObjectNode node, String... fields) {
    for (String field : fields) {
      if (node.get(field) != null && node.get(field).has("S")) {
        node.set(field, JSON.valueToTree(Map.of("S", out.marker())));
      } else {
        node.put(field, out.marker());
      }
    }
  }
}
