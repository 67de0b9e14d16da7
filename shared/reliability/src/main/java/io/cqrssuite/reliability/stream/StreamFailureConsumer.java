package io.cqrssuite.reliability.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.cqrssuite.event.EventSource;
import io.cqrssuite.event.InvalidEventException;
import io.cqrssuite.failure.FailureKind;
import io.cqrssuite.failure.FailureText;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.deadletter.DeadLetterEnvelope;
import io.cqrssuite.deadletter.DeadLetterSink;
import io.cqrssuite.alarm.Alarm;
import io.cqrssuite.reliability.alarm.AlarmPublisher;
import io.cqrssuite.alarm.Severity;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Turns stream failure pointers into dead-letter envelopes (contract §5, DynamoDB stream row): each record the
 * pointer names is read back ({@link StreamFailureResolver}) and written through {@link DeadLetterSink} as one
 * {@code DYNAMODB_STREAM} envelope holding the record exactly as Lambda delivered it, so {@code DeadLetterReplay}
 * feeds the handlers the original event ids. A pointer message is acknowledged only once every one of its envelopes
 * is stored; a failed read or write leaves it failed, to be delivered again (the envelopes a redelivery writes again
 * carry the same event ids, and a replay is idempotent).
 *
 * <p>Records the stream no longer holds are never dropped in silence: the pointer itself is enveloped
 * ({@value #POINTER_SOURCE}, not replayable, the reason in its message) and a CRITICAL alarm is raised. A message
 * that is no pointer at all is enveloped whole as text. Every resolved pointer raises an ERROR alarm naming the
 * event ids, like any dead-lettering.
 */
public final class StreamFailureConsumer {
  /** The handler named in the envelopes: the event-source mapping gave up, no single handler did. */
  public static final String HANDLER = "stream-mapping";

  /** The source of an envelope holding a pointer whose records are (partly) gone: kept for people, not replayable. */
  public static final String POINTER_SOURCE = "DYNAMODB_STREAM_POINTER";

  /** The error class of a pointer envelope: the stream no longer holds (all of) the range. */
  public static final String RECORDS_UNAVAILABLE = "StreamRecordsUnavailable";

  /** Whether a pointer message may be deleted from its queue. */
  public enum Status {
    ACKNOWLEDGED,
    FAILED
  }

  /**
   * One message's fate.
   *
   * @param recovered how many records were read back and enveloped
   * @param envelopes how many envelopes were stored
   * @param reason why it failed, or what is missing when acknowledged with a pointer envelope; {@code null} else
   */
  public record Outcome(String messageId, Status status, int recovered, int envelopes, String reason) {
    public boolean acknowledged() {
      return status == Status.ACKNOWLEDGED;
    }
  }

  /** What {@link #drain} did. */
  public record Summary(int acknowledged, int failed, int envelopes, List<Outcome> outcomes) {}

  private final StreamFailureResolver resolver;
  private final DeadLetterSink deadLetters;
  private final AlarmPublisher alarms;
  private final ObjectMapper mapper;
  private final StructuredLog log;
  private final Clock clock;

  public StreamFailureConsumer(
      StreamFailureResolver resolver, DeadLetterSink deadLetters, AlarmPublisher alarms, ObjectMapper mapper, StructuredLog log, Clock clock) {
    this.resolver = resolver;
    this.deadLetters = deadLetters;
    this.alarms = alarms;
    this.mapper = mapper;
    this.log = log;
    this.clock = clock;
  }

  /** Handles one queue message body; never throws. */
  public Outcome consume(String messageId, String body) {
    if (!deadLetters.configured()) {
      return failed(messageId, 0, "no dead-letter queue configured (SUITE_DEAD_LETTER_QUEUE_URL): the pointer is kept");
    }
    Instant now = clock.instant();
    StreamFailurePointer pointer;
    try {
      pointer = StreamFailurePointer.parse(body, mapper);
    } catch (InvalidEventException e) {
      return notAPointer(messageId, body, e, now);
    }
    StreamFailureResolver.Resolution resolution;
    try {
      resolution = resolver.resolve(pointer);
    } catch (RuntimeException e) {
      // Throttling, a 5xx, a stalled shard: the records are still there, the pointer is tried again.
      Map<String, Object> fields = fields(messageId, pointer);
      fields.put("errorType", e.getClass().getName());
      fields.put("errorMessage", String.valueOf(e.getMessage()));
      log.warn("stream failure pointer not resolved; it is kept for a retry", fields);
      return failed(messageId, 0, "not resolved: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    Instant failedAt = pointer.timestamp() == null ? now : pointer.timestamp();
    List<DeadLetterEnvelope> envelopes = new ArrayList<>();
    for (ObjectNode record : resolution.records()) {
      envelopes.add(recordEnvelope(pointer, record, failedAt));
    }
    if (!resolution.complete()) {
      envelopes.add(pointerEnvelope(pointer, resolution, failedAt));
    }
    List<DeadLetterSink.Write> writes = deadLetters.write(envelopes);
    List<Alarm> raised = new ArrayList<>();
    List<String> unstored = new ArrayList<>();
    List<String> storedIds = new ArrayList<>();
    int stored = 0;
    for (DeadLetterSink.Write write : writes) {
      if (write.stored()) {
        stored++;
        if (!POINTER_SOURCE.equals(write.envelope().source())) {
          storedIds.add(write.envelope().eventId());
        }
      } else {
        unstored.add(write.envelope().itemIdentifier() + " (" + write.failure().getMessage() + ")");
        raised.add(alarm(Severity.CRITICAL, write.envelope(), write.envelope().errorMessage(), 1));
      }
    }
    if (!storedIds.isEmpty()) {
      raised.add(
          new Alarm(
              Severity.ERROR, alarms.source(), HANDLER, pointer.condition(), message(pointer), storedIds, storedIds.size()));
    }
    Map<String, Object> fields = fields(messageId, pointer);
    fields.put("recordsRecovered", resolution.records().size());
    fields.put("envelopesStored", stored);
    if (!resolution.complete()) {
      fields.put("missing", resolution.missing());
      // CRITICAL whether or not the pointer envelope was stored: records are lost for good.
      raised.add(
          new Alarm(
              Severity.CRITICAL, alarms.source(), HANDLER, RECORDS_UNAVAILABLE, resolution.missing(), pointerIds(pointer), 1));
      log.error("stream records no longer in the stream; the pointer is dead-lettered instead", fields);
    }
    alarms.raise(raised);
    if (!unstored.isEmpty()) {
      fields.put("unstored", String.join(", ", unstored));
      log.error("dead-letter write failed; the stream failure pointer stays on its queue", fields);
      return failed(messageId, stored, "envelopes not stored: " + String.join(", ", unstored));
    }
    log.info("stream failure pointer resolved into dead letters", fields);
    return new Outcome(messageId, Status.ACKNOWLEDGED, resolution.records().size(), stored, resolution.missing());
  }

  /**
   * A Lambda SQS event of the pointer queue: every message consumed, the response
   * {@code {"batchItemFailures":[{"itemIdentifier": messageId}, ...]}} naming those not acknowledged (the mapping
   * needs {@code ReportBatchItemFailures}).
   */
  public ObjectNode handleSqsEvent(JsonNode event) {
    JsonNode records = event == null ? null : event.get("Records");
    if (records == null || !records.isArray()) {
      throw new InvalidEventException("Records", "not an SQS event: the stream failure consumer reads its queue only");
    }
    ObjectNode response = mapper.createObjectNode();
    ArrayNode failures = response.putArray("batchItemFailures");
    int index = 0;
    for (JsonNode record : records) {
      String where = "Records[" + index++ + "]";
      JsonNode messageId = record.get("messageId");
      JsonNode body = record.get("body");
      if (messageId == null || !messageId.isTextual() || body == null || !body.isTextual()) {
        throw new InvalidEventException(where, "an SQS record needs a messageId and a body");
      }
      Outcome outcome = consume(messageId.textValue(), body.textValue());
      if (!outcome.acknowledged()) {
        failures.addObject().put("itemIdentifier", messageId.textValue());
      }
    }
    return response;
  }

  /**
   * Consumes up to {@code max} messages of a pointer queue, deleting the acknowledged ones; a failed message stays
   * hidden for {@code visibilitySeconds} and then comes back, as under Lambda.
   */
  public Summary drain(SqsClient sqs, String queueUrl, int max, int visibilitySeconds) {
    List<Outcome> outcomes = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    int acknowledged = 0;
    int envelopes = 0;
    while (outcomes.size() < max) {
      int want = Math.min(10, max - outcomes.size());
      int wait = outcomes.isEmpty() ? 1 : 0;
      List<Message> messages =
          sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(want).visibilityTimeout(visibilitySeconds).waitTimeSeconds(wait))
              .messages();
      int fresh = 0;
      for (Message message : messages) {
        if (!seen.add(message.messageId())) {
          continue;
        }
        fresh++;
        Outcome outcome = consume(message.messageId(), message.body());
        envelopes += outcome.envelopes();
        if (outcome.acknowledged()) {
          try {
            sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            acknowledged++;
          } catch (SdkException e) {
            // Enveloped but still queued: it comes back and is enveloped again under the same event ids.
            outcome = new Outcome(message.messageId(), Status.FAILED, outcome.recovered(), outcome.envelopes(), "enveloped, but the delete failed: " + e.getMessage());
          }
        }
        outcomes.add(outcome);
      }
      if (fresh == 0) {
        break;
      }
    }
    return new Summary(acknowledged, outcomes.size() - acknowledged, envelopes, outcomes);
  }

  private Outcome notAPointer(String messageId, String body, InvalidEventException rejection, Instant now) {
    DeadLetterEnvelope envelope =
        new DeadLetterEnvelope(
            DeadLetterEnvelope.VERSION,
            null,
            null,
            messageId,
            TextNode.valueOf(body),
            DeadLetterEnvelope.TEXT,
            HANDLER,
            rejection.getClass().getName(),
            FailureText.of(rejection).detailed(),
            FailureKind.PERMANENT.name(),
            1,
            now,
            now,
            null);
    DeadLetterSink.Write write = deadLetters.write(List.of(envelope)).get(0);
    // The parser's message may quote the body: the envelope keeps it, the alarm and the log get the suite's text.
    String shown = FailureText.of(rejection).shown();
    alarms.raise(List.of(alarm(write.stored() ? Severity.ERROR : Severity.CRITICAL, envelope, shown, 1)));
    Map<String, Object> fields = new HashMap<>();
    fields.put("messageId", messageId);
    fields.put("errorMessage", shown);
    if (!write.stored()) {
      log.error("message on the stream failure queue is no pointer and could not be dead-lettered; it stays", fields);
      return failed(messageId, 0, "not a pointer, and not stored: " + write.failure().getMessage());
    }
    log.error("message on the stream failure queue is no pointer; dead-lettered as text", fields);
    return new Outcome(messageId, Status.ACKNOWLEDGED, 0, 1, shown);
  }

  private DeadLetterEnvelope recordEnvelope(StreamFailurePointer pointer, ObjectNode record, Instant failedAt) {
    String eventId = record.path("eventID").isTextual() ? record.get("eventID").textValue() : null;
    JsonNode sequence = record.path("dynamodb").path("SequenceNumber");
    return new DeadLetterEnvelope(
        DeadLetterEnvelope.VERSION,
        EventSource.DYNAMODB_STREAM.name(),
        eventId,
        sequence.isTextual() ? sequence.textValue() : null,
        record,
        DeadLetterEnvelope.JSON,
        HANDLER,
        pointer.condition(),
        message(pointer),
        // Retries ran out: the failure may well have been transient, which a replay later can overcome.
        FailureKind.TRANSIENT.name(),
        pointer.approximateInvokeCount(),
        failedAt,
        failedAt,
        correlationId(record, eventId));
  }

  private DeadLetterEnvelope pointerEnvelope(StreamFailurePointer pointer, StreamFailureResolver.Resolution resolution, Instant failedAt) {
    return new DeadLetterEnvelope(
        DeadLetterEnvelope.VERSION,
        POINTER_SOURCE,
        pointer.requestId(),
        pointer.range(),
        pointer.raw(),
        DeadLetterEnvelope.JSON,
        HANDLER,
        RECORDS_UNAVAILABLE,
        resolution.missing() + " (" + resolution.records().size() + " records of the range recovered and enveloped apart; "
            + message(pointer) + ")",
        FailureKind.PERMANENT.name(),
        pointer.approximateInvokeCount(),
        failedAt,
        failedAt,
        pointer.requestId());
  }

  private static String message(StreamFailurePointer pointer) {
    return "the stream mapping gave up on " + pointer.range() + " of " + pointer.streamArn() + " after "
        + pointer.approximateInvokeCount() + " invocations (" + pointer.condition()
        + (pointer.functionError() == null ? "" : ", function error " + pointer.functionError()) + ")";
  }

  /** A {@code correlationId} string attribute of the new image (else the old one); else the event id, as InboundRecord does. */
  private static String correlationId(ObjectNode record, String eventId) {
    for (String image : new String[] {"NewImage", "OldImage"}) {
      JsonNode value = record.path("dynamodb").path(image).path("correlationId").path("S");
      if (value.isTextual() && !value.textValue().isBlank()) {
        return value.textValue();
      }
    }
    return eventId;
  }

  /** {@code shown}: the suite's own text, never a record's (a pointer envelope's message is built by the suite). */
  private Alarm alarm(Severity severity, DeadLetterEnvelope envelope, String shown, int count) {
    String id = envelope.eventId() != null ? envelope.eventId() : envelope.itemIdentifier();
    return new Alarm(
        severity, alarms.source(), envelope.handler(), envelope.errorClass(), shown, id == null ? List.of() : List.of(id), count);
  }

  private static List<String> pointerIds(StreamFailurePointer pointer) {
    return List.of(pointer.requestId() != null ? pointer.requestId() : pointer.range());
  }

  private static Map<String, Object> fields(String messageId, StreamFailurePointer pointer) {
    Map<String, Object> fields = new HashMap<>();
    fields.put("messageId", messageId);
    fields.put("streamArn", pointer.streamArn());
    fields.put("shardId", pointer.shardId());
    fields.put("startSequenceNumber", pointer.startSequenceNumber());
    fields.put("endSequenceNumber", pointer.endSequenceNumber());
    fields.put("condition", pointer.condition());
    fields.put("requestId", String.valueOf(pointer.requestId()));
    return fields;
  }

  private static Outcome failed(String messageId, int envelopes, String reason) {
    return new Outcome(messageId, Status.FAILED, 0, envelopes, reason);
  }
}
