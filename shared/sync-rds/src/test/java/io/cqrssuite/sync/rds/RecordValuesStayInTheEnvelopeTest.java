package io.cqrssuite.sync.rds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.entrypoint.InvocationOutcome;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.fixtures.FailureOutputs;
import io.cqrssuite.fixtures.SampleEvents;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 12, point 5: a row the table refuses is dead-lettered with its values, and nothing else the failure writes
 * (log lines, stdout and stderr, alarms) quotes them. The marker sits in every non-identifier field of the record.
 */
class RecordValuesStayInTheEnvelopeTest {
  private static final ObjectMapper JSON = EventJson.newMapper();

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void aValueTooLongForItsColumnIsQuotedOnlyInTheEnvelope(String engine) {
    FailureOutputs out = new FailureOutputs();
    String tooLong = out.marker() + "-" + "x".repeat(250);

    InvocationOutcome outcome = deliver(engine, out, image -> image.put("name", s(tooLong)));

    assertThat(outcome.deadLettered()).isEqualTo(1);
    assertStaysInTheEnvelope(out);
    assertThat(out.raisedAlarms().get(0).errorMessage()).contains("product.name").contains("characters");
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void aRowBreakingAConstraintIsQuotedOnlyInTheEnvelope(String engine) {
    FailureOutputs out = new FailureOutputs();

    InvocationOutcome outcome = deliver(engine, out, image -> image.set("price", JSON.createObjectNode().put("N", "-1")));

    assertThat(outcome.deadLettered()).isEqualTo(1);
    assertStaysInTheEnvelope(out);
    assertThat(out.raisedAlarms().get(0).errorMessage()).contains("SQLState 23").contains("product");
    assertThat(out.envelopeErrorMessages()).as("the server's own text goes to the envelope").contains("product_price_not_negative");
  }

  private static void assertStaysInTheEnvelope(FailureOutputs out) {
    assertThat(out.insideTheEnvelope()).as("the envelope holds the record").contains(out.marker());
    assertThat(out.raisedAlarms()).isNotEmpty();
    assertThat(out.outsideTheEnvelope()).doesNotContain(FailureOutputs.PREFIX);
  }

  /** One product insert of the sample stream, with a fresh code, the marker in every value and {@code change}. */
  private static InvocationOutcome deliver(String engine, FailureOutputs out, Consumer<ObjectNode> change) {
    RdsFixture fixture = RdsFixture.of(engine);
    ObjectNode event = SampleEvents.tree("dynamodb/product-command-changes.json");
    ObjectNode record = (ObjectNode) event.get("Records").get(0);
    event.putArray("Records").add(record);
    String code = "P-" + UUID.randomUUID();
    ObjectNode image = (ObjectNode) record.get("dynamodb").get("NewImage");
    ObjectNode keys = (ObjectNode) record.get("dynamodb").get("Keys");
    String sk = code + "@0000000001";
    keys.set("sk", s(sk));
    image.set("sk", s(sk));
    image.set("code", s(code));
    image.set("id", s("PRODUCT#acme#" + code));
    image.set("name", s(out.marker()));
    image.set("description", s("Lightweight " + out.marker()));
    image.set("category", s(out.marker()));
    image.set("notes", s("unmapped " + out.marker()));
    image.set("tags", JSON.createObjectNode().set("L", JSON.createArrayNode().add(s(out.marker()))));
    change.accept(image);

    RdsSyncHandler handler =
        new RdsSyncHandler(
            fixture.connections, fixture.schema, Clock.systemUTC(), RdsSyncHandler.DEFAULT_MAX_BATCH_ROWS, out.alarms());
    FailureOutputs.SyncEntrypoint sync = out.syncEntrypoint(handler);
    try {
      return out.capturing(() -> sync.entrypoint().handle(SampleEvents.stream(event)));
    } finally {
      sync.close();
    }
  }

  private static JsonNode s(String value) {
    return JSON.createObjectNode().put("S", value);
  }
}
