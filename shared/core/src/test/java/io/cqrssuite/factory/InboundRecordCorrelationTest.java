package io.cqrssuite.factory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cqrssuite.fixtures.SampleEvents;
import org.junit.jupiter.api.Test;

/** Which correlation id a record's logs and dead letters carry. */
class InboundRecordCorrelationTest {
  private final EventDecoder decoder = new EventDecoder(EventJson.newMapper(), new DefaultEventFactory());

  @Test
  void anSqsCorrelationAttributeIsUsedElseTheMessageId() {
    JsonNode raw = SampleEvents.tree("sqs/standard-batch.json");
    InboundBatch batch = decoder.decode(raw);
    String attribute = raw.path("Records").get(0).path("messageAttributes").path("correlationId").path("stringValue").asText();
    assertThat(attribute).isNotBlank();
    assertThat(batch.records().get(0).correlationId()).isEqualTo(attribute);
    assertThat(batch.records().get(2).correlationId()).isEqualTo(raw.path("Records").get(2).path("messageId").asText());
  }

  @Test
  void snsAndEventBridgeCarryTheirsToo() {
    JsonNode sns = SampleEvents.tree("sns/notification.json");
    assertThat(decoder.decode(sns).records().get(0).correlationId())
        .isEqualTo(sns.path("Records").get(0).path("Sns").path("MessageAttributes").path("correlationId").path("Value").asText());
    JsonNode bridge = SampleEvents.tree("eventbridge/custom.json");
    assertThat(decoder.decode(bridge).records().get(0).correlationId())
        .isEqualTo(bridge.path("detail").path("metadata").path("correlationId").asText())
        .isNotBlank();
  }

  @Test
  void aStreamRecordFallsBackToItsEventId() {
    JsonNode raw = SampleEvents.tree("dynamodb/product-data-changes.json");
    assertThat(decoder.decode(raw).records().get(0).correlationId()).isEqualTo(raw.path("Records").get(0).path("eventID").asText());
  }
}
