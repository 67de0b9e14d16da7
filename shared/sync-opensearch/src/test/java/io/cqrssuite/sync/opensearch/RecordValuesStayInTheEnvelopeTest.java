package io.cqrssuite.sync.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.entrypoint.InvocationOutcome;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.fixtures.FailureOutputs;
import io.cqrssuite.fixtures.SampleEvents;
import java.io.IOException;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * Issue 12, point 5: a document whose field the mapping refuses is dead-lettered with OpenSearch's full reason (its
 * "Preview of field's value" included), while log lines, stdout and stderr and alarms name only the document, the
 * field and its type. The marker sits in every non-identifier field of the record.
 */
class RecordValuesStayInTheEnvelopeTest {
  private static final ObjectMapper JSON = EventJson.newMapper();

  @Test
  void aFieldValueTheMappingRefusesIsQuotedOnlyInTheEnvelope() throws IOException {
    FailureOutputs out = new FailureOutputs();
    OpenSearchClient client = OpenSearchFixture.client();
    IndexNames names = OpenSearchFixture.ensuredIndex(client);
    ObjectNode event = SampleEvents.tree("dynamodb/product-command-changes.json");
    ObjectNode record = (ObjectNode) event.get("Records").get(0);
    event.putArray("Records").add(record);
    String code = "P-" + UUID.randomUUID();
    ObjectNode image = (ObjectNode) record.get("dynamodb").get("NewImage");
    String sk = code + "@0000000001";
    ((ObjectNode) record.get("dynamodb").get("Keys")).set("sk", s(sk));
    image.set("sk", s(sk));
    image.set("code", s(code));
    image.set("id", s("PRODUCT#acme#" + code));
    image.set("name", s(out.marker()));
    image.set("description", s("Lightweight " + out.marker()));
    image.set("price", s(out.marker()));
    image.set("category", s(out.marker()));
    image.set("tags", JSON.createObjectNode().set("L", JSON.createArrayNode().add(s(out.marker()))));

    OpenSearchSyncHandler handler = new OpenSearchSyncHandler(client, names, BulkLimits.defaults(), change -> true);
    FailureOutputs.SyncEntrypoint sync = out.syncEntrypoint(handler);
    InvocationOutcome outcome;
    try {
      outcome = out.capturing(() -> sync.entrypoint().handle(SampleEvents.stream(event)));
    } finally {
      sync.close();
    }

    assertThat(outcome.deadLettered()).isEqualTo(1);
    assertThat(out.insideTheEnvelope()).as("the envelope holds the record").contains(out.marker());
    assertThat(out.envelopeErrorMessages()).as("OpenSearch's own text goes to the envelope").contains("Preview of field's value");
    assertThat(out.raisedAlarms()).hasSize(1);
    assertThat(out.raisedAlarms().get(0).errorMessage()).contains("mapper_parsing_exception").contains("price");
    assertThat(out.outsideTheEnvelope()).doesNotContain(FailureOutputs.PREFIX);
  }

  private static JsonNode s(String value) {
    return JSON.createObjectNode().put("S", value);
  }
}
