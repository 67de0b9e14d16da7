package io.cqrssuite.deadletter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * Everything needed to understand and replay one record that failed permanently (contract §5): where it came from,
 * the record exactly as delivered, who rejected it and why. The envelope never reshapes the record, so a replay
 * feeds back the very bytes AWS delivered.
 *
 * @param envelopeVersion the layout of this envelope, {@link #VERSION} for the ones written now
 * @param source the delivery's source ({@code SQS}, {@code DYNAMODB_STREAM}, ...), {@code null} when the document
 *     was not recognised as an event at all
 * @param eventId the record's stable event id (contract §3), {@code null} when it could not be read
 * @param itemIdentifier what the source reports failures by (SQS {@code messageId}, stream sequence number)
 * @param record the record verbatim: its JSON as delivered ({@code recordEncoding = json}), or for a document that
 *     could not be parsed its text ({@code text}) or, when not valid UTF-8, its bytes in base64 ({@code base64})
 * @param recordEncoding {@code json}, {@code text} or {@code base64}: how {@code record} holds the original
 * @param handler the handler that failed, or {@value #FACTORY} when the record was rejected before any handler ran
 * @param errorClass the failure's class name
 * @param errorMessage the failure's detailed text ({@link io.cqrssuite.failure.FailureText#detailed()}): it may quote
 *     the record's values and the raw driver, parser or OpenSearch text, so it is never shown outside the envelope
 * @param failureKind always {@code PERMANENT} today: transient failures are retried by the source, not enveloped
 * @param attempts how many times the record was delivered (SQS {@code ApproximateReceiveCount}, else 1)
 * @param correlationId the record's correlation id ({@code InboundRecord.correlationId()}); {@code null} for a
 *     whole rejected document
 */
public record DeadLetterEnvelope(
    int envelopeVersion,
    String source,
    String eventId,
    String itemIdentifier,
    JsonNode record,
    String recordEncoding,
    String handler,
    String errorClass,
    String errorMessage,
    String failureKind,
    int attempts,
    Instant firstFailureAt,
    Instant lastFailureAt,
    String correlationId) {

  public static final int VERSION = 1;

  /** The handler name of failures that happened before dispatch: decoding, routing, validation. */
  public static final String FACTORY = "event-factory";

  public static final String JSON = "json";
  public static final String TEXT = "text";
  public static final String BASE64 = "base64";

  /**
   * The wire form: one JSON object, field names as in this record, times in ISO-8601 UTC, the record embedded as
   * JSON (not as an escaped string) when it was JSON.
   */
  public ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode json = mapper.createObjectNode();
    json.put("envelopeVersion", envelopeVersion);
    json.put("source", source);
    json.put("eventId", eventId);
    json.put("itemIdentifier", itemIdentifier);
    json.set("record", record);
    json.put("recordEncoding", recordEncoding);
    json.put("handler", handler);
    json.put("errorClass", errorClass);
    json.put("errorMessage", errorMessage);
    json.put("failureKind", failureKind);
    json.put("attempts", attempts);
    json.put("firstFailureAt", firstFailureAt == null ? null : firstFailureAt.toString());
    json.put("lastFailureAt", lastFailureAt == null ? null : lastFailureAt.toString());
    json.put("correlationId", correlationId);
    return json;
  }

  /**
   * The queue message for an envelope stored in S3 because it was too large for the queue: every field but the
   * record, and {@code envelopeLocation} ({@code bucket}, {@code key}, {@code bytes}) naming the full envelope.
   */
  public ObjectNode toPointerJson(ObjectMapper mapper, String bucket, String key, long bytes) {
    ObjectNode json = toJson(mapper);
    json.remove("record");
    ObjectNode location = json.putObject("envelopeLocation");
    location.put("bucket", bucket);
    location.put("key", key);
    location.put("bytes", bytes);
    return json;
  }
}
