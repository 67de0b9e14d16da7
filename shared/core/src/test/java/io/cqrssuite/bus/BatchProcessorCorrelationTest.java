package io.cqrssuite.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.bus.RecordResult.Status;
import io.cqrssuite.event.DataChangeEvent;
import io.cqrssuite.event.SqsMessageEvent;
import io.cqrssuite.factory.DefaultEventFactory;
import io.cqrssuite.factory.EventDecoder;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.factory.InboundBatch;
import io.cqrssuite.logging.CorrelationContext;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.fixtures.TestHandler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each record's handlers run, and log, inside the record's correlation scope. */
class BatchProcessorCorrelationTest {
  // sqs/standard-batch.json: the first two carry a correlationId attribute, the third none.
  private static final String STD_1_CORRELATION = "53aea839-5bcb-48b2-8716-fe05babcf9b6";
  private static final String STD_2_CORRELATION = "54c4a99c-c48e-4f26-a0f8-c11b7529d2b1";
  private static final String STD_3 = "a386bc2f-94b4-431f-ae7e-50344ef58e58";

  private final ObjectMapper mapper = EventJson.newMapper();
  private final EventDecoder decoder = new EventDecoder(mapper, new DefaultEventFactory());
  private final CorrelationContext correlation = new CorrelationContext();
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final StructuredLog log =
      new StructuredLog("orders", new PrintStream(bytes, true, StandardCharsets.UTF_8), StructuredLog.Level.INFO, null, correlation);

  private List<JsonNode> lines() {
    return bytes.toString(StandardCharsets.UTF_8).lines().map(l -> {
      try {
        return mapper.readTree(l);
      } catch (Exception e) {
        throw new AssertionError("not JSON: " + l, e);
      }
    }).toList();
  }

  private BatchProcessor processor(Set<BatchEventHandler<?>> batchHandlers, EventHandler<?>... handlers) {
    return new BatchProcessor(new EventBus(Set.of(handlers), UnhandledEvents.FAIL), batchHandlers, correlation);
  }

  @Test
  void linesLoggedByAHandlerCarryTheirRecordsIdAndARecordWithoutOneItsMessageId() {
    List<String> seen = new ArrayList<>();
    TestHandler<SqsMessageEvent> handler =
        TestHandler.of("orders", SqsMessageEvent.class, e -> {
          seen.add(correlation.current().orElse(null));
          log.info("order handled", Map.of("messageId", e.messageId()));
          return null;
        });

    BatchResult result = processor(Set.of(), handler).process(decoder.decode(SampleEvents.stream("sqs/standard-batch.json")));

    assertThat(result.records()).extracting(RecordResult::status).containsOnly(Status.SUCCEEDED);
    assertThat(seen).containsExactly(STD_1_CORRELATION, STD_2_CORRELATION, STD_3);
    assertThat(lines()).extracting(l -> l.path("correlation_id").asText())
        .containsExactly(STD_1_CORRELATION, STD_2_CORRELATION, STD_3);
    assertThat(correlation.current()).as("nothing stays current after the batch").isEmpty();
  }

  @Test
  void aFailingHandlerDoesNotLeaveItsIdToTheNextRecordOrToTheCaller() {
    List<String> seen = new ArrayList<>();
    TestHandler<SqsMessageEvent> handler =
        TestHandler.of("orders", SqsMessageEvent.class, e -> {
          seen.add(correlation.current().orElse(null));
          if (seen.size() == 1) {
            throw new StackOverflowError("deep recursion in the handler");
          }
          return null;
        });

    BatchResult result;
    try (CorrelationContext.Scope invocation = correlation.open("caller")) {
      result = processor(Set.of(), handler).process(decoder.decode(SampleEvents.stream("sqs/standard-batch.json")));
      assertThat(correlation.current()).contains("caller");
    }

    assertThat(result.records()).extracting(RecordResult::status).containsExactly(Status.FAILED, Status.SUCCEEDED, Status.SUCCEEDED);
    assertThat(seen).containsExactly(STD_1_CORRELATION, STD_2_CORRELATION, STD_3);
  }

  @Test
  void aRedeliveredRecordWithoutAnIdIsHandledUnderTheSameIdAgain() {
    List<String> seen = new ArrayList<>();
    TestHandler<SqsMessageEvent> handler =
        TestHandler.of("orders", SqsMessageEvent.class, e -> seen.add(correlation.current().orElse(null)));
    BatchProcessor processor = processor(Set.of(), handler);

    processor.process(decoder.decode(SampleEvents.stream("sqs/standard-batch.json")));
    processor.process(decoder.decode(SampleEvents.stream("sqs/standard-batch.json")));

    assertThat(seen.subList(0, 3)).isEqualTo(seen.subList(3, 6));
  }

  /** A batch handler that notes the id current while it runs. */
  private final class ScopeRecorder implements BatchEventHandler<DataChangeEvent> {
    final List<String> seen = new ArrayList<>();

    @Override
    public Class<DataChangeEvent> eventType() {
      return DataChangeEvent.class;
    }

    @Override
    public String name() {
      return "recorder";
    }

    @Override
    public List<HandlerOutcome> handleBatch(List<DataChangeEvent> events) {
      seen.add(correlation.current().orElse("none"));
      return events.stream().map(e -> (HandlerOutcome) new HandlerOutcome.Succeeded(name(), null)).toList();
    }
  }

  @Test
  void aBatchHandlerRunsInTheScopeOnlyWhenAllItsRecordsShareOneId() {
    ScopeRecorder recorder = new ScopeRecorder();
    BatchProcessor processor = processor(Set.of(recorder));
    InboundBatch stream = decoder.decode(SampleEvents.stream("dynamodb/product-data-changes.json"));
    String firstEventId = stream.records().get(0).events().get(0).eventId();

    processor.process(stream);
    processor.process(new InboundBatch(stream.source(), List.of(stream.records().get(0))));

    assertThat(recorder.seen).containsExactly("none", firstEventId);
  }

  @Test
  void anErrorEscapingTheBatchStillRestoresTheCallersScope() {
    TestHandler<SqsMessageEvent> handler =
        TestHandler.of("orders", SqsMessageEvent.class, e -> {
          throw new InternalError("the JVM is in trouble");
        });

    try (CorrelationContext.Scope invocation = correlation.open("caller")) {
      assertThatThrownBy(() -> processor(Set.of(), handler).process(decoder.decode(SampleEvents.stream("sqs/standard-batch.json"))))
          .isInstanceOf(InternalError.class);
      assertThat(correlation.current()).contains("caller");
    }
  }
}
