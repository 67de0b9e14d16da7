package io.cqrssuite.reliability.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.event.InvalidEventException;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * What Lambda sends to a DynamoDB stream mapping's on-failure destination when a batch ran out of retries or record
 * age (contract §5): not the records, only where they are ({@code DDBStreamBatchInfo}: stream, shard, first and last
 * sequence number). The records are still readable from the stream for its 24 h retention;
 * {@link StreamFailureResolver} reads them.
 *
 * @param requestId the failed invocation's request id ({@code requestContext.requestId}), the same on every
 *     redelivery of this pointer
 * @param condition why Lambda gave up: {@code RetryAttemptsExhausted}, {@code RecordAgeExceeded}, ...
 * @param approximateInvokeCount how many times the batch was delivered
 * @param functionError {@code responseContext.functionError} ({@code Unhandled}, ...), {@code null} when absent
 * @param timestamp when Lambda gave up, {@code null} when absent or unreadable
 * @param batchSize how many records the failed batch held
 * @param raw the message as received, kept for an envelope when the records are gone
 */
record StreamFailurePointer(
    String requestId,
    String functionArn,
    String condition,
    int approximateInvokeCount,
    String functionError,
    Instant timestamp,
    String streamArn,
    String shardId,
    String startSequenceNumber,
    String endSequenceNumber,
    int batchSize,
    JsonNode raw) {

  /** The key that tells a pointer apart from any other message. */
  public static final String BATCH_INFO = "DDBStreamBatchInfo";

  /** Whether the document is (meant to be) a stream failure pointer: it has {@value #BATCH_INFO}. */
  public static boolean looksLikePointer(JsonNode document) {
    return document != null && document.isObject() && document.has(BATCH_INFO);
  }

  /** Parses a message body; malformed JSON or a missing field is an {@link InvalidEventException} naming it. */
  public static StreamFailurePointer parse(String body, ObjectMapper mapper) {
    JsonNode document;
    try {
      document = mapper.readTree(body);
    } catch (JsonProcessingException e) {
      // Jackson quotes the token it stopped at, which is the message's content: the envelope gets it, not the log.
      throw new InvalidEventException(
          "", "a stream failure pointer must be JSON", "a stream failure pointer must be JSON: " + e.getOriginalMessage(), e);
    }
    return parse(document);
  }

  /** Parses the on-failure message; anything but a DynamoDB stream pointer is an {@link InvalidEventException}. */
  public static StreamFailurePointer parse(JsonNode document) {
    if (document == null || !document.isObject()) {
      throw new InvalidEventException("", "a stream failure pointer must be a JSON object");
    }
    if (!document.has(BATCH_INFO)) {
      throw new InvalidEventException(
          "", "not a DynamoDB stream failure pointer: no " + BATCH_INFO + " (a Kinesis pointer or an unrelated message?)");
    }
    JsonNode info = document.get(BATCH_INFO);
    if (!info.isObject()) {
      throw new InvalidEventException(BATCH_INFO, "must be an object, found " + info.getNodeType());
    }
    JsonNode context = document.path("requestContext");
    String start = sequenceNumber(info, "startSequenceNumber");
    String end = sequenceNumber(info, "endSequenceNumber");
    if (new BigInteger(start).compareTo(new BigInteger(end)) > 0) {
      throw new InvalidEventException(BATCH_INFO, "startSequenceNumber " + start + " is after endSequenceNumber " + end);
    }
    String streamArn = text(info, "streamArn", BATCH_INFO);
    if (!streamArn.startsWith("arn:") || !streamArn.contains(":table/") || !streamArn.contains("/stream/")) {
      throw new InvalidEventException(BATCH_INFO + ".streamArn", "not a DynamoDB stream ARN: " + streamArn);
    }
    return new StreamFailurePointer(
        optionalText(context, "requestId"),
        optionalText(context, "functionArn"),
        text(context, "condition", "requestContext"),
        Math.max(1, context.path("approximateInvokeCount").asInt(1)),
        optionalText(document.path("responseContext"), "functionError"),
        instant(document.path("timestamp")),
        streamArn,
        text(info, "shardId", BATCH_INFO),
        start,
        end,
        info.path("batchSize").asInt(0),
        document);
  }

  /** {@code shardId:start-end}: what the pointer names, as an envelope's item identifier. */
  public String range() {
    return shardId + ":" + startSequenceNumber + "-" + endSequenceNumber;
  }

  private static String sequenceNumber(JsonNode info, String field) {
    String value = text(info, field, BATCH_INFO);
    if (value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new InvalidEventException(BATCH_INFO + "." + field, "must be a decimal sequence number, found '" + value + "'");
    }
    return value;
  }

  private static String text(JsonNode parent, String field, String where) {
    JsonNode value = parent.get(field);
    if (value == null || value.isNull()) {
      throw new InvalidEventException(where + "." + field, "missing");
    }
    if (!value.isTextual() || value.textValue().isBlank()) {
      throw new InvalidEventException(where + "." + field, "must be a non-empty string, found " + value.getNodeType());
    }
    return value.textValue();
  }

  private static String optionalText(JsonNode parent, String field) {
    JsonNode value = parent.get(field);
    return value != null && value.isTextual() ? value.textValue() : null;
  }

  private static Instant instant(JsonNode value) {
    if (!value.isTextual()) {
      return null;
    }
    try {
      return Instant.parse(value.textValue());
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
