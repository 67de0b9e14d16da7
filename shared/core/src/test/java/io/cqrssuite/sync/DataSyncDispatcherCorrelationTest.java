package io.cqrssuite.sync;

import io.cqrssuite.fixtures.ProductTables;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.bus.BatchEventHandler;
import io.cqrssuite.bus.BatchProcessor;
import io.cqrssuite.bus.BatchResult;
import io.cqrssuite.bus.EventBus;
import io.cqrssuite.bus.RecordResult;
import io.cqrssuite.bus.UnhandledEvents;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.factory.DefaultEventFactory;
import io.cqrssuite.factory.EventDecoder;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.factory.InboundBatch;
import io.cqrssuite.factory.InboundRecord;
import io.cqrssuite.logging.CorrelationContext;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.retry.TransientRetry;
import io.cqrssuite.fixtures.SampleEvents;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The targets' worker threads log under the correlation id of the records they write. */
class DataSyncDispatcherCorrelationTest {
  private final ObjectMapper mapper = EventJson.newMapper();
  private final CorrelationContext correlation = new CorrelationContext();
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final StructuredLog log =
      new StructuredLog("sync", new PrintStream(bytes, true, StandardCharsets.UTF_8), StructuredLog.Level.INFO, null, correlation);
  private final ScopeTarget rds = new ScopeTarget("rds");
  private final ScopeTarget search = new ScopeTarget("opensearch");
  private final DataSyncDispatcher dispatcher =
      DataSyncDispatcher.builder(new LinkedHashSet<>(List.of(rds, search))).mappings(ProductTables.MAPPINGS).log(log).retry(TransientRetry.none()).correlation(correlation).build();

  @AfterEach
  void close() {
    dispatcher.close();
  }

  /** Notes the thread it runs on and the id current there, and logs a line from it. */
  private final class ScopeTarget implements DataSyncHandler {
    final String name;
    final Map<String, String> seen = new ConcurrentHashMap<>();

    ScopeTarget(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public boolean accepts(ChangeRecord change) {
      return true;
    }

    @Override
    public SyncOutcome up(ChangeRecord change) {
      throw new AssertionError("sync() is overridden");
    }

    @Override
    public SyncOutcome down(ChangeRecord change) {
      throw new AssertionError("sync() is overridden");
    }

    @Override
    public List<SyncOutcome> sync(List<ChangeRecord> changes) {
      seen.put("thread", Thread.currentThread().getName());
      seen.put("correlationId", correlation.current().orElse("none"));
      log.info("target wrote", Map.of("target", name));
      return changes.stream().map(c -> SyncOutcome.APPLIED).toList();
    }
  }

  private List<JsonNode> lines() {
    return bytes.toString(StandardCharsets.UTF_8).lines().map(l -> {
      try {
        return mapper.readTree(l);
      } catch (Exception e) {
        throw new AssertionError("not JSON: " + l, e);
      }
    }).toList();
  }

  @Test
  void eachTargetThreadRunsInTheScopeOfTheRecordItWrites() {
    InboundBatch stream =
        new EventDecoder(mapper, new DefaultEventFactory()).decode(SampleEvents.stream("dynamodb/product-data-changes.json"));
    InboundRecord record = stream.records().get(0);
    Set<BatchEventHandler<?>> batchHandlers = Set.of(dispatcher);
    BatchProcessor processor = new BatchProcessor(new EventBus(Set.of(), UnhandledEvents.FAIL), batchHandlers, correlation);

    BatchResult result = processor.process(new InboundBatch(stream.source(), List.of(record)));

    assertThat(result.records()).extracting(RecordResult::status).containsExactly(RecordResult.Status.SUCCEEDED);
    String expected = record.correlationId();
    assertThat(expected).isEqualTo(record.events().get(0).eventId());
    for (ScopeTarget target : List.of(rds, search)) {
      assertThat(target.seen).containsEntry("thread", "data-sync").containsEntry("correlationId", expected);
    }
    assertThat(lines()).hasSize(2).allSatisfy(l -> assertThat(l.path("correlation_id").asText()).isEqualTo(expected));
  }

  @Test
  void aWorkerThreadKeepsNoIdFromTheDeliveryBefore() {
    InboundBatch stream =
        new EventDecoder(mapper, new DefaultEventFactory()).decode(SampleEvents.stream("dynamodb/product-data-changes.json"));
    List<io.cqrssuite.event.DataChangeEvent> events =
        stream.records().stream().map(r -> (io.cqrssuite.event.DataChangeEvent) r.events().get(0)).toList();

    try (CorrelationContext.Scope scope = correlation.open("import-42")) {
      dispatcher.handleBatch(events);
    }
    assertThat(rds.seen).containsEntry("correlationId", "import-42");
    dispatcher.handleBatch(events);

    assertThat(rds.seen).containsEntry("correlationId", "none");
    assertThat(search.seen).containsEntry("correlationId", "none");
  }
}
