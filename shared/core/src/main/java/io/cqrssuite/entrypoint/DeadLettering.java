package io.cqrssuite.entrypoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.cqrssuite.alarm.Alarm;
import io.cqrssuite.alarm.AlarmSink;
import io.cqrssuite.alarm.Severity;
import io.cqrssuite.bus.BatchProcessor;
import io.cqrssuite.bus.BatchResult;
import io.cqrssuite.bus.DispatchResult;
import io.cqrssuite.bus.HandlerOutcome;
import io.cqrssuite.bus.RecordResult;
import io.cqrssuite.deadletter.DeadLetterEnvelope;
import io.cqrssuite.deadletter.DeadLetterSink;
import io.cqrssuite.event.EventSource;
import io.cqrssuite.factory.InboundBatch;
import io.cqrssuite.factory.InboundRecord;
import io.cqrssuite.failure.FailureKind;
import io.cqrssuite.failure.FailureText;
import io.cqrssuite.logging.StructuredLog;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.inject.Inject;

/**
 * Step 3 of {@link EventEntrypoint}: hands permanently failed records (and documents that are no event at all) to
 * the {@link DeadLetterSink} as {@link DeadLetterEnvelope}s, so they can be acknowledged (contract §5), and raises
 * an alarm per dead-lettering on the {@link AlarmSink}. A record counts as dead-lettered only once its envelope was
 * stored; a failed write leaves it failed exactly as without a sink. Without a configured sink nothing is
 * acknowledged: every failure is reported as a failure.
 *
 * <p>Alarms, once per failure fingerprint per invocation (ids and count aggregated): ERROR for a dead-lettered
 * permanent failure, WARNING for a dead-lettered FIFO message (its group goes on), CRITICAL when the dead-letter
 * write itself failed. Alarms never change the outcome.
 */
final class DeadLettering {
  private final DeadLetterSink sink;
  private final AlarmSink alarms;
  private final BatchProcessor processor;
  private final StructuredLog log;
  private final Clock clock;

  @Inject
  DeadLettering(
      Optional<DeadLetterSink> sink, Optional<AlarmSink> alarms, BatchProcessor processor, StructuredLog log) {
    this(sink.orElse(DeadLetterSink.none()), alarms.orElse(AlarmSink.none()), processor, log, Clock.systemUTC());
  }

  DeadLettering(DeadLetterSink sink, AlarmSink alarms, BatchProcessor processor, StructuredLog log, Clock clock) {
    this.sink = sink;
    this.alarms = alarms;
    this.processor = processor;
    this.log = log;
    this.clock = clock;
  }

  /** Whether a sink is configured: without one, nothing is ever acknowledged because of a dead letter. */
  boolean configured() {
    return sink.configured();
  }

  /** The result of {@link #records}: the batch's results, and the indexes of the records now dead-lettered. */
  record Outcome(BatchResult result, Set<Integer> deadLettered) {}

  /**
   * Envelopes every permanently failed record. A stream batch is one ordering scope, so the processor held back
   * every record after the first failure; when that failure was dead-lettered it no longer blocks anything, and the
   * held-back records are processed now, again and again until the first remaining failure is transient (reported
   * as the lowest failed sequence number, as without dead letters) or nothing is left. Batch handlers see those
   * records a second time: they are version-guarded, so the repeat is a no-op. A FIFO group's held-back messages are
   * not re-run: they are reported and redelivered in order. Step Functions tasks are never enveloped: they answer
   * with {@code SendTaskFailure}.
   */
  Outcome records(EventSource source, BatchResult result) {
    Set<Integer> deadLettered = new HashSet<>();
    if (!sink.configured() || source == EventSource.STEP_FUNCTIONS) {
      return new Outcome(result, deadLettered);
    }
    List<Alarm> raised = new ArrayList<>();
    List<RecordResult> records = new ArrayList<>(result.records());
    int from = 0;
    while (true) {
      List<RecordResult> poison = new ArrayList<>();
      for (RecordResult record : records.subList(from, records.size())) {
        if (record.status() == RecordResult.Status.FAILED
            && record.failureKind() == FailureKind.PERMANENT
            && record.record().taskToken() == null) {
          poison.add(record);
        }
      }
      if (poison.isEmpty()) {
        break;
      }
      store(source, poison, deadLettered, raised);
      int firstFailure = firstFailure(records, from);
      if (source != EventSource.DYNAMODB_STREAM
          || firstFailure < 0
          || !deadLettered.contains(records.get(firstFailure).record().index())) {
        break;
      }
      if (!rerunHeldBack(source, records, firstFailure)) {
        break;
      }
      from = firstFailure + 1;
    }
    alarms.raise(raised);
    return new Outcome(new BatchResult(result.source(), records), deadLettered);
  }

  private void store(EventSource source, List<RecordResult> poison, Set<Integer> deadLettered, List<Alarm> raised) {
    Instant now = clock.instant();
    List<DeadLetterEnvelope> envelopes = poison.stream().map(r -> envelope(source, r, now)).toList();
    List<DeadLetterSink.Write> writes = sink.write(envelopes);
    for (int k = 0; k < writes.size(); k++) {
      DeadLetterSink.Write write = writes.get(k);
      Map<String, Object> fields = new HashMap<>();
      fields.put("source", source.name());
      fields.put("itemIdentifier", write.envelope().itemIdentifier());
      fields.put("eventId", write.envelope().eventId());
      fields.put("handler", write.envelope().handler());
      fields.put("errorType", write.envelope().errorClass());
      if (write.stored()) {
        deadLettered.add(poison.get(k).record().index());
        log.info("record dead-lettered and acknowledged", fields);
        boolean fifo = source == EventSource.SQS && poison.get(k).record().orderingKey() != null;
        raised.add(alarm(fifo ? Severity.WARNING : Severity.ERROR, write.envelope(), poison.get(k).failure()));
      } else {
        fields.put("deadLetterError", String.valueOf(write.failure().getMessage()));
        log.error("dead-letter write failed; the record stays failed", fields);
        raised.add(alarm(Severity.CRITICAL, write.envelope(), poison.get(k).failure()));
      }
    }
  }

  private static int firstFailure(List<RecordResult> records, int from) {
    for (int i = from; i < records.size(); i++) {
      if (!records.get(i).succeeded()) {
        return i;
      }
    }
    return -1;
  }

  /** Processes the records held back behind {@code firstFailure}; returns whether there were any. */
  private boolean rerunHeldBack(EventSource source, List<RecordResult> records, int firstFailure) {
    List<InboundRecord> heldBack = new ArrayList<>();
    for (RecordResult record : records.subList(firstFailure + 1, records.size())) {
      if (record.status() == RecordResult.Status.NOT_ATTEMPTED) {
        heldBack.add(record.record());
      }
    }
    if (heldBack.isEmpty()) {
      return false;
    }
    BatchResult retried = processor.process(new InboundBatch(source, heldBack));
    Map<Integer, RecordResult> byIndex = new HashMap<>();
    retried.records().forEach(r -> byIndex.put(r.record().index(), r));
    for (int i = firstFailure + 1; i < records.size(); i++) {
      RecordResult replacement = byIndex.get(records.get(i).record().index());
      if (replacement != null) {
        records.set(i, replacement);
      }
    }
    return true;
  }

  /**
   * Envelopes a document that is no event at all (malformed JSON, an unknown source). Returns whether it was stored,
   * and so may be acknowledged by returning normally.
   */
  boolean document(byte[] bytes, RuntimeException rejection) {
    if (!sink.configured()) {
      return false;
    }
    JsonNode record;
    String encoding;
    try {
      record =
          TextNode.valueOf(
              StandardCharsets.UTF_8
                  .newDecoder()
                  .onMalformedInput(CodingErrorAction.REPORT)
                  .onUnmappableCharacter(CodingErrorAction.REPORT)
                  .decode(ByteBuffer.wrap(bytes))
                  .toString());
      encoding = DeadLetterEnvelope.TEXT;
    } catch (CharacterCodingException e) {
      record = TextNode.valueOf(Base64.getEncoder().encodeToString(bytes));
      encoding = DeadLetterEnvelope.BASE64;
    }
    Instant now = clock.instant();
    DeadLetterEnvelope envelope =
        new DeadLetterEnvelope(
            DeadLetterEnvelope.VERSION,
            null,
            null,
            null,
            record,
            encoding,
            DeadLetterEnvelope.FACTORY,
            rejection.getClass().getName(),
            FailureText.of(rejection).detailed(),
            FailureKind.PERMANENT.name(),
            1,
            now,
            now,
            null);
    DeadLetterSink.Write write = sink.write(List.of(envelope)).get(0);
    if (write.stored()) {
      log.info("document dead-lettered and acknowledged", Map.of("bytes", bytes.length, "errorType", envelope.errorClass()));
      alarms.raise(List.of(alarm(Severity.ERROR, envelope, rejection)));
      return true;
    }
    alarms.raise(List.of(alarm(Severity.CRITICAL, envelope, rejection)));
    log.error(
        "dead-letter write failed; the document is rejected",
        Map.of("bytes", bytes.length, "deadLetterError", String.valueOf(write.failure().getMessage())));
    return false;
  }

  /**
   * An alarm naming the envelope's ids, handler and error: never its record, nor the envelope's {@code errorMessage},
   * which may quote it; the alarm has the failure's shown text (contract §5).
   */
  private Alarm alarm(Severity severity, DeadLetterEnvelope envelope, Throwable failure) {
    String id = envelope.eventId() != null ? envelope.eventId() : envelope.itemIdentifier();
    return new Alarm(
        severity,
        alarms.source(),
        envelope.handler(),
        envelope.errorClass(),
        FailureText.of(failure).shown(),
        id == null ? List.of() : List.of(id),
        1);
  }

  private static DeadLetterEnvelope envelope(EventSource source, RecordResult result, Instant now) {
    InboundRecord record = result.record();
    Throwable failure = result.failure();
    return new DeadLetterEnvelope(
        DeadLetterEnvelope.VERSION,
        source.name(),
        eventId(record),
        record.itemIdentifier(),
        record.raw(),
        DeadLetterEnvelope.JSON,
        failedHandler(result),
        failure.getClass().getName(),
        FailureText.of(failure).detailed(),
        FailureKind.PERMANENT.name(),
        attempts(record.raw()),
        now,
        now,
        record.correlationId());
  }

  /** The event id of contract §3: the first event's, else read from the raw record (a rejected one has no events). */
  private static String eventId(InboundRecord record) {
    if (!record.events().isEmpty()) {
      return record.events().get(0).eventId();
    }
    JsonNode raw = record.raw();
    if (raw == null) {
      return null;
    }
    for (String field : new String[] {"messageId", "eventID", "id"}) {
      if (raw.path(field).isTextual()) {
        return raw.get(field).textValue();
      }
    }
    if (raw.path("Sns").path("MessageId").isTextual()) {
      return raw.path("Sns").path("MessageId").textValue();
    }
    return null;
  }

  private static String failedHandler(RecordResult result) {
    for (DispatchResult dispatch : result.dispatches()) {
      for (HandlerOutcome outcome : dispatch.outcomes()) {
        if (outcome instanceof HandlerOutcome.Failed failed) {
          return failed.handler();
        }
      }
    }
    return DeadLetterEnvelope.FACTORY;
  }

  /** SQS counts deliveries; other sources do not say, and this invocation is at least the first. */
  private static int attempts(JsonNode raw) {
    if (raw != null) {
      JsonNode count = raw.path("attributes").path("ApproximateReceiveCount");
      if (count.isTextual()) {
        try {
          return Math.max(1, Integer.parseInt(count.textValue()));
        } catch (NumberFormatException e) {
          return 1;
        }
      }
    }
    return 1;
  }
}
