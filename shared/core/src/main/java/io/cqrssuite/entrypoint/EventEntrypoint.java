package io.cqrssuite.entrypoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dagger.Lazy;
import io.cqrssuite.bus.BatchProcessor;
import io.cqrssuite.bus.BatchResult;
import io.cqrssuite.bus.DispatchResult;
import io.cqrssuite.bus.HandlerOutcome;
import io.cqrssuite.bus.RecordResult;
import io.cqrssuite.event.EventSource;
import io.cqrssuite.event.InvalidEventException;
import io.cqrssuite.factory.EventDecoder;
import io.cqrssuite.factory.InboundBatch;
import io.cqrssuite.factory.InboundRecord;
import io.cqrssuite.failure.FailureKind;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.deadletter.DeadLetterEnvelope;
import io.cqrssuite.deadletter.DeadLetterSink;
import io.cqrssuite.alarm.Alarm;
import io.cqrssuite.alarm.AlarmSink;
import io.cqrssuite.alarm.Severity;
import io.cqrssuite.task.TaskCallbacks;
import io.cqrssuite.task.TaskErrors;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.inject.Inject;

/**
 * The single entrypoint's work, source by source: decode, dispatch, answer task tokens, and shape the response AWS
 * defines for the source:
 *
 * <ul>
 *   <li>SQS: {@code batchItemFailures} with the {@code messageId} of every failed record (FIFO: the failed message
 *       and the rest of its group);
 *   <li>DynamoDB streams: {@code batchItemFailures} with the <em>lowest</em> failed sequence number, from which
 *       Lambda redelivers;
 *   <li>S3, SNS, EventBridge (asynchronous): nothing on success; the invocation fails when a record failed, so
 *       Lambda retries the event and then sends it to the on-failure destination;
 *   <li>Step Functions: with a task token the result goes back through {@code SendTaskSuccess} /
 *       {@code SendTaskFailure}; without one, the handler's result is the response and its exception the error.
 * </ul>
 *
 * Both mappings need {@code FunctionResponseTypes: [ReportBatchItemFailures]} in the template.
 *
 * <p>When {@link DeadLetterSink} are configured, a record that failed permanently (poison, a factory rejection) is
 * written to them as a {@link DeadLetterEnvelope} and then acknowledged, per source as semantics §5 says: SQS leaves
 * it out of {@code batchItemFailures} (a FIFO group's later messages, held back behind it, are still reported and
 * redelivered), a stream batch goes on with the records after it, an asynchronous event returns normally, and a
 * document that is no event at all is enveloped whole. A record is never acknowledged before its envelope was
 * stored: when the write fails it stays failed exactly as without dead letters. Step Functions tasks keep answering
 * with {@code SendTaskFailure}.
 *
 * <p>With an {@link AlarmSink}, each dead-lettering raises an alarm once per failure fingerprint per invocation
 * (ids and count aggregated): ERROR for a dead-lettered permanent failure, WARNING for a dead-lettered FIFO message
 * (its group goes on), CRITICAL when the dead-letter write itself failed. Alarms never change the outcome.
 */
public final class EventEntrypoint {
  private final ObjectMapper mapper;
  private final EventDecoder decoder;
  private final BatchProcessor processor;
  private final Lazy<TaskCallbacks> callbacks;
  private final StructuredLog log;
  private final DeadLetterSink deadLetters;
  private final Clock clock;
  private final AlarmSink alarms;

  /** Without dead letters: permanent failures are reported like any other failure. */
  public EventEntrypoint(
      ObjectMapper mapper,
      EventDecoder decoder,
      BatchProcessor processor,
      Lazy<TaskCallbacks> callbacks,
      StructuredLog log) {
    this(mapper, decoder, processor, callbacks, log, DeadLetterSink.none(), Clock.systemUTC());
  }

  public EventEntrypoint(
      ObjectMapper mapper,
      EventDecoder decoder,
      BatchProcessor processor,
      Lazy<TaskCallbacks> callbacks,
      StructuredLog log,
      DeadLetterSink deadLetters) {
    this(mapper, decoder, processor, callbacks, log, deadLetters, Clock.systemUTC());
  }

  /**
   * What a component injects: the sinks are bound by the modules that implement them, and absent in a function built
   * on the core alone.
   */
  @Inject
  public EventEntrypoint(
      ObjectMapper mapper,
      EventDecoder decoder,
      BatchProcessor processor,
      Optional<Lazy<TaskCallbacks>> callbacks,
      StructuredLog log,
      Optional<DeadLetterSink> deadLetters,
      Optional<AlarmSink> alarms) {
    this(
        mapper,
        decoder,
        processor,
        callbacks.orElse(NO_TASK_CALLBACKS),
        log,
        deadLetters.orElse(DeadLetterSink.none()),
        Clock.systemUTC(),
        alarms.orElse(AlarmSink.none()));
  }

  /** A task token with nothing to answer it: the record stays failed, so it is retried rather than lost. */
  private static final Lazy<TaskCallbacks> NO_TASK_CALLBACKS =
      () -> {
        throw new IllegalStateException(
            "a record carries a Step Functions task token, but no TaskCallbacks is bound: add cqrs-suite-workflow's"
                + " WorkflowModule to the function's component");
      };

  public EventEntrypoint(
      ObjectMapper mapper,
      EventDecoder decoder,
      BatchProcessor processor,
      Lazy<TaskCallbacks> callbacks,
      StructuredLog log,
      DeadLetterSink deadLetters,
      Clock clock) {
    this(mapper, decoder, processor, callbacks, log, deadLetters, clock, AlarmSink.none());
  }

  public EventEntrypoint(
      ObjectMapper mapper,
      EventDecoder decoder,
      BatchProcessor processor,
      Lazy<TaskCallbacks> callbacks,
      StructuredLog log,
      DeadLetterSink deadLetters,
      Clock clock,
      AlarmSink alarms) {
    this.alarms = alarms;
    this.mapper = mapper;
    this.decoder = decoder;
    this.processor = processor;
    this.callbacks = callbacks;
    this.log = log;
    this.deadLetters = deadLetters;
    this.clock = clock;
  }

  /** Never throws for bad input: the outcome says how the invocation must end. */
  public InvocationOutcome handle(InputStream raw) {
    byte[] bytes;
    InboundBatch batch;
    try {
      bytes = raw.readAllBytes();
    } catch (IOException e) {
      InvalidEventException unreadable = new InvalidEventException("", "unreadable event: " + e.getMessage(), e);
      log.error("event rejected as a whole", Map.of("errorType", unreadable.getClass().getSimpleName(), "errorMessage", String.valueOf(unreadable.getMessage())));
      return new InvocationOutcome(null, null, null, unreadable);
    }
    try {
      batch = decoder.decode(new ByteArrayInputStream(bytes));
    } catch (RuntimeException e) {
      log.error("event rejected as a whole", Map.of("errorType", e.getClass().getSimpleName(), "errorMessage", String.valueOf(e.getMessage())));
      if (deadLetters.configured() && deadLetterDocument(bytes, e)) {
        return new InvocationOutcome(null, null, null, null, 1);
      }
      return new InvocationOutcome(null, null, null, e);
    }
    BatchResult result = processor.process(batch);
    Set<Integer> deadLettered = new HashSet<>();
    if (deadLetters.configured() && batch.source() != EventSource.STEP_FUNCTIONS) {
      List<Alarm> raised = new ArrayList<>();
      result = deadLetterPermanentFailures(batch.source(), result, deadLettered, raised);
      alarms.raise(raised);
    }
    Map<Integer, Throwable> failures = new LinkedHashMap<>();
    for (RecordResult record : result.records()) {
      Throwable failure = record.succeeded() ? null : record.failure();
      if (failure != null) {
        logFailure(batch.source(), record, failure);
        if (deadLettered.contains(record.record().index())) {
          continue;
        }
      }
      // A record held back behind an earlier failure of its FIFO group was not attempted: it is redelivered, in
      // order, rather than answered now.
      if (record.record().taskToken() != null && record.status() != RecordResult.Status.NOT_ATTEMPTED) {
        Throwable callbackFailure = answerTask(record);
        if (callbackFailure != null && failure == null) {
          logFailure(batch.source(), record, callbackFailure);
        }
        failure = callbackFailure;
      }
      if (failure != null) {
        failures.put(record.record().index(), failure);
      }
    }
    return shape(batch.source(), result, failures).withDeadLettered(deadLettered.size());
  }

  /**
   * Envelopes every permanently failed record and adds the stored ones to {@code deadLettered}. A stream batch is
   * one ordering scope, so the processor held back every record after the first failure; when that failure was
   * dead-lettered it no longer blocks anything, and the held-back records are processed now, again and again until
   * the first remaining failure is transient (reported as the lowest failed sequence number, as without dead
   * letters) or nothing is left. Batch handlers see those records a second time: they are version-guarded, so the
   * repeat is a no-op. A FIFO group's held-back messages are not re-run: they are reported and redelivered in order.
   */
  private BatchResult deadLetterPermanentFailures(
      EventSource source, BatchResult result, Set<Integer> deadLettered, List<Alarm> raised) {
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
      Instant now = clock.instant();
      List<DeadLetterEnvelope> envelopes = poison.stream().map(r -> envelope(source, r, now)).toList();
      List<DeadLetterSink.Write> writes = deadLetters.write(envelopes);
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
          raised.add(alarm(fifo ? Severity.WARNING : Severity.ERROR, write.envelope()));
        } else {
          fields.put("deadLetterError", String.valueOf(write.failure().getMessage()));
          log.error("dead-letter write failed; the record stays failed", fields);
          raised.add(alarm(Severity.CRITICAL, write.envelope()));
        }
      }
      int firstFailure = -1;
      for (int i = from; i < records.size(); i++) {
        if (!records.get(i).succeeded()) {
          firstFailure = i;
          break;
        }
      }
      if (source != EventSource.DYNAMODB_STREAM
          || firstFailure < 0
          || !deadLettered.contains(records.get(firstFailure).record().index())) {
        break;
      }
      List<InboundRecord> heldBack = new ArrayList<>();
      for (RecordResult record : records.subList(firstFailure + 1, records.size())) {
        if (record.status() == RecordResult.Status.NOT_ATTEMPTED) {
          heldBack.add(record.record());
        }
      }
      if (heldBack.isEmpty()) {
        break;
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
      from = firstFailure + 1;
    }
    return new BatchResult(result.source(), records);
  }

  /** An alarm naming the envelope's ids, handler and error: never its record. */
  private Alarm alarm(Severity severity, DeadLetterEnvelope envelope) {
    String id = envelope.eventId() != null ? envelope.eventId() : envelope.itemIdentifier();
    return new Alarm(
        severity,
        alarms.source(),
        envelope.handler(),
        envelope.errorClass(),
        envelope.errorMessage(),
        id == null ? List.of() : List.of(id),
        1);
  }

  private DeadLetterEnvelope envelope(EventSource source, RecordResult result, Instant now) {
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
        String.valueOf(failure.getMessage()),
        FailureKind.PERMANENT.name(),
        attempts(record.raw()),
        now,
        now,
        record.correlationId());
  }

  /** The event id of semantics §3: the first event's, else read from the raw record (a rejected one has no events). */
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

  /**
   * Envelopes a document that is no event at all (malformed JSON, an unknown source). Returns whether it was stored,
   * and so may be acknowledged by returning normally.
   */
  private boolean deadLetterDocument(byte[] bytes, RuntimeException rejection) {
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
            String.valueOf(rejection.getMessage()),
            FailureKind.PERMANENT.name(),
            1,
            now,
            now,
            null);
    DeadLetterSink.Write write = deadLetters.write(List.of(envelope)).get(0);
    if (write.stored()) {
      log.info("document dead-lettered and acknowledged", Map.of("bytes", bytes.length, "errorType", envelope.errorClass()));
      alarms.raise(List.of(alarm(Severity.ERROR, envelope)));
      return true;
    }
    alarms.raise(List.of(alarm(Severity.CRITICAL, envelope)));
    log.error(
        "dead-letter write failed; the document is rejected",
        Map.of("bytes", bytes.length, "deadLetterError", String.valueOf(write.failure().getMessage())));
    return false;
  }

  /**
   * Reports a task's result with its token. Returns the failure that keeps the record failed: {@code null} once
   * Step Functions has the answer, whatever it was, because from then on the workflow's Retry/Catch decides.
   */
  private Throwable answerTask(RecordResult record) {
    String token = record.record().taskToken();
    try {
      if (record.succeeded()) {
        callbacks.get().succeed(token, mapper.writeValueAsString(taskOutput(record)));
      } else {
        String error = record.failureKind() == FailureKind.PERMANENT ? TaskErrors.PERMANENT : TaskErrors.TRANSIENT;
        callbacks.get().fail(token, error, causeJson(record.failure()));
      }
      return null;
    } catch (Exception e) {
      log.warn("task callback failed; the record stays failed", Map.of("errorType", e.getClass().getSimpleName(), "errorMessage", String.valueOf(e.getMessage())));
      return e;
    }
  }

  /**
   * {@code {"errorType", "errorMessage"}} within SendTaskFailure's cause limit. The message is shortened before it is
   * serialised (to the longest prefix that fits, escaping included): cutting the serialised text instead would leave
   * a Catch with JSON that does not parse.
   */
  private String causeJson(Throwable failure) throws com.fasterxml.jackson.core.JsonProcessingException {
    String type = failure.getClass().getName();
    String message = String.valueOf(failure.getMessage());
    String json = causeJson(type, message);
    if (json.length() <= TaskErrors.MAX_CAUSE) {
      return json;
    }
    int fits = 0;
    int tooLong = message.length();
    while (tooLong - fits > 1) {
      int mid = (fits + tooLong) >>> 1;
      if (causeJson(type, shortened(message, mid)).length() <= TaskErrors.MAX_CAUSE) {
        fits = mid;
      } else {
        tooLong = mid;
      }
    }
    return causeJson(type, shortened(message, fits));
  }

  private String causeJson(String type, String message) throws com.fasterxml.jackson.core.JsonProcessingException {
    ObjectNode cause = mapper.createObjectNode();
    cause.put("errorType", type);
    cause.put("errorMessage", message);
    return mapper.writeValueAsString(cause);
  }

  /** The first {@code length} characters and "...", never splitting a surrogate pair. */
  private static String shortened(String message, int length) {
    int end = length > 0 && Character.isHighSurrogate(message.charAt(length - 1)) ? length - 1 : length;
    return message.substring(0, end) + "...";
  }

  /** One handler's result as-is; several handlers' results keyed by handler name; none as {@code {}}. */
  private JsonNode taskOutput(RecordResult record) {
    Map<String, Object> results = new LinkedHashMap<>();
    for (DispatchResult dispatch : record.dispatches()) {
      for (HandlerOutcome outcome : dispatch.outcomes()) {
        if (outcome instanceof HandlerOutcome.Succeeded s && s.result() != null) {
          results.put(s.handler(), s.result());
        }
      }
    }
    if (results.isEmpty()) {
      return mapper.createObjectNode();
    }
    if (results.size() == 1) {
      return mapper.valueToTree(results.values().iterator().next());
    }
    return mapper.valueToTree(results);
  }

  private InvocationOutcome shape(EventSource source, BatchResult result, Map<Integer, Throwable> failures) {
    switch (source) {
      case SQS:
        {
          List<String> ids = new ArrayList<>();
          for (RecordResult record : result.records()) {
            if (failures.containsKey(record.record().index())) {
              ids.add(nullToEmpty(record.record().itemIdentifier()));
            }
          }
          return new InvocationOutcome(source, result, batchItemFailures(ids), null);
        }
      case DYNAMODB_STREAM:
        {
          // Lambda redelivers from the reported sequence number on: report only the lowest (first) failure.
          for (RecordResult record : result.records()) {
            if (failures.containsKey(record.record().index())) {
              return new InvocationOutcome(
                  source, result, batchItemFailures(List.of(nullToEmpty(record.record().itemIdentifier()))), null);
            }
          }
          return new InvocationOutcome(source, result, batchItemFailures(List.of()), null);
        }
      case STEP_FUNCTIONS:
        {
          RecordResult task = result.records().get(0);
          if (task.record().taskToken() != null) {
            Throwable callbackFailure = failures.get(task.record().index());
            return new InvocationOutcome(source, result, null, callbackFailure);
          }
          if (!task.succeeded()) {
            return new InvocationOutcome(source, result, null, task.failure());
          }
          try {
            return new InvocationOutcome(source, result, taskOutput(task), null);
          } catch (IllegalArgumentException e) {
            // A result Jackson cannot write is the handler's fault, reported like any handler failure.
            return new InvocationOutcome(source, result, null, e);
          }
        }
      default:
        {
          if (failures.isEmpty()) {
            return new InvocationOutcome(source, result, null, null);
          }
          Throwable first = failures.values().iterator().next();
          return new InvocationOutcome(
              source,
              result,
              null,
              new DeliveryFailedException(
                  failures.size() + " of " + result.records().size() + " " + source + " record(s) failed; first: " + first,
                  first));
        }
    }
  }

  private JsonNode batchItemFailures(List<String> ids) {
    ObjectNode response = mapper.createObjectNode();
    ArrayNode items = response.putArray("batchItemFailures");
    for (String id : ids) {
      items.addObject().put("itemIdentifier", id);
    }
    return response;
  }

  private void logFailure(EventSource source, RecordResult record, Throwable failure) {
    Map<String, Object> fields = new HashMap<>();
    fields.put("source", source.name());
    fields.put("itemIdentifier", record.record().itemIdentifier());
    fields.put("correlation_id", record.record().correlationId());
    fields.put("recordIndex", record.record().index());
    fields.put("status", record.status().name());
    fields.put("failureKind", record.failureKind() == null ? null : record.failureKind().name());
    fields.put("errorType", failure.getClass().getName());
    fields.put("reason", String.valueOf(failure.getMessage()));
    log.warn("record failed", fields);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
