package io.cqrssuite.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.cqrssuite.bus.BatchResult;
import io.cqrssuite.bus.RecordResult;
import io.cqrssuite.entrypoint.InvocationOutcome;
import io.cqrssuite.event.DataChangeEvent;
import io.cqrssuite.event.EventSource;
import io.cqrssuite.event.InvalidEventException;
import io.cqrssuite.factory.InboundRecord;
import io.cqrssuite.failure.FailureKind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InvocationMetricsTest {
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  private final ByteArrayOutputStream lines = new ByteArrayOutputStream();

  private InvocationMetrics metrics(Map<String, String> env) {
    return new InvocationMetrics(env, new PrintStream(lines, true, StandardCharsets.UTF_8), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private JsonNode line() throws Exception {
    return new ObjectMapper().readTree(lines.toString(StandardCharsets.UTF_8));
  }

  private static RecordResult change(int index, Instant written, boolean ok) {
    DataChangeEvent event =
        new DataChangeEvent("e" + index, "product-data", DataChangeEvent.Operation.INSERT, false,
            JsonNodeFactory.instance.objectNode(), null, JsonNodeFactory.instance.objectNode(), "" + index, written, "arn", "us-east-1");
    InboundRecord record = new InboundRecord(index, "" + index, "stream", JsonNodeFactory.instance.objectNode(), List.of(event), null, null);
    return ok
        ? new RecordResult(record, RecordResult.Status.SUCCEEDED, List.of(), null, null)
        : new RecordResult(record, RecordResult.Status.FAILED, List.of(), new IllegalStateException("503"), FailureKind.TRANSIENT);
  }

  @Test
  void aStreamDeliveryReportsCountsAndTheLagOfItsOldestChangeInEmf() throws Exception {
    List<RecordResult> records = new ArrayList<>();
    records.add(change(0, NOW.minusSeconds(7), true));
    records.add(change(1, NOW.minusSeconds(3), false));
    records.add(change(2, NOW.minusSeconds(1), true));
    metrics(Map.of("POWERTOOLS_SERVICE_NAME", "catalog"))
        .record(new InvocationOutcome(EventSource.DYNAMODB_STREAM, new BatchResult(EventSource.DYNAMODB_STREAM, records), null, null));

    JsonNode line = line();
    assertThat(line.path("RecordsHandled").asLong()).isEqualTo(2);
    assertThat(line.path("RecordsFailed").asLong()).isEqualTo(1);
    assertThat(line.path("RecordsRejected").asLong()).isZero();
    assertThat(line.path("SyncLag").asLong()).isEqualTo(7_000);
    assertThat(line.path("service").asText()).isEqualTo("catalog");
    assertThat(line.path("source").asText()).isEqualTo("DYNAMODB_STREAM");
    JsonNode directive = line.path("_aws").path("CloudWatchMetrics").get(0);
    assertThat(directive.path("Namespace").asText()).isEqualTo("CqrsSuite");
    assertThat(directive.path("Dimensions").get(0).toString()).isEqualTo("[\"service\",\"source\"]");
    assertThat(directive.path("Metrics")).extracting(m -> m.path("Name").asText())
        .containsExactly("RecordsHandled", "RecordsFailed", "RecordsDeadLettered", "RecordsRejected", "SyncLag");
    assertThat(line.path("_aws").path("Timestamp").asLong()).isEqualTo(NOW.toEpochMilli());
  }

  @Test
  void aRejectedDocumentCountsAsRejectedWithoutLag() throws Exception {
    metrics(Map.of("POWERTOOLS_METRICS_NAMESPACE", "Shop"))
        .record(new InvocationOutcome(null, null, null, new InvalidEventException("", "unknown event source")));
    JsonNode line = line();
    assertThat(line.path("RecordsRejected").asLong()).isEqualTo(1);
    assertThat(line.path("source").asText()).isEqualTo("UNKNOWN");
    assertThat(line.has("SyncLag")).isFalse();
    assertThat(line.path("_aws").path("CloudWatchMetrics").get(0).path("Namespace").asText()).isEqualTo("Shop");
  }

  @Test
  void metricsCanBeSwitchedOff() {
    metrics(Map.of("SUITE_METRICS", "off"))
        .record(new InvocationOutcome(null, null, null, new InvalidEventException("", "x")));
    assertThat(lines.size()).isZero();
  }

  @Test
  void deadLetteredRecordsAreCountedApartFromTheFailuresLeftForRedelivery() throws Exception {
    List<RecordResult> records = List.of(change(0, NOW, false), change(1, NOW, false), change(2, NOW, true));
    metrics(Map.of())
        .record(new InvocationOutcome(EventSource.DYNAMODB_STREAM, new BatchResult(EventSource.DYNAMODB_STREAM, records), null, null, 2));
    JsonNode line = line();
    assertThat(line.path("RecordsDeadLettered").asLong()).isEqualTo(2);
    assertThat(line.path("RecordsFailed").asLong()).isZero();
    assertThat(line.path("RecordsHandled").asLong()).isEqualTo(1);
  }
}
