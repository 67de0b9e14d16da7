package io.cqrssuite.testing.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * A local stand-in for what Lambda sends a DynamoDB stream mapping's on-failure destination when it gives up on a
 * batch: the pointer message ({@code requestContext}, {@code responseContext}, {@code DDBStreamBatchInfo}), never the
 * records. For local and chaos runs, which play the mapping's part; nothing here is on the production path.
 */
public final class OnFailurePointers {
  private static final ObjectMapper JSON = new ObjectMapper();

  private OnFailurePointers() {}

  /**
   * The message body for a given-up batch of Lambda-shaped records of one shard (their {@code eventSourceARN} names
   * the stream; first and last sequence number by numeric order).
   *
   * @param condition {@code RetryAttemptsExhausted} or {@code RecordAgeExceeded}
   */
  public static String message(String shardId, List<? extends JsonNode> batch, String condition, int approximateInvokeCount, Instant at) {
    if (batch.isEmpty()) {
      throw new IllegalArgumentException("a pointer names at least one record");
    }
    Comparator<JsonNode> bySequence = Comparator.comparing(r -> new BigInteger(r.path("dynamodb").path("SequenceNumber").asText()));
    JsonNode first = batch.stream().min(bySequence).orElseThrow();
    JsonNode last = batch.stream().max(bySequence).orElseThrow();
    String streamArn = first.path("eventSourceARN").asText();
    ObjectNode message = JSON.createObjectNode();
    ObjectNode request = message.putObject("requestContext");
    request.put("requestId", UUID.randomUUID().toString());
    request.put("functionArn", "arn:aws:lambda:us-east-1:123456789012:function:local-event-factory:live");
    request.put("condition", condition);
    request.put("approximateInvokeCount", approximateInvokeCount);
    ObjectNode response = message.putObject("responseContext");
    response.put("statusCode", 200);
    response.put("executedVersion", "$LATEST");
    response.put("functionError", "Unhandled");
    message.put("version", "1.0");
    message.put("timestamp", at.toString());
    ObjectNode info = message.putObject("DDBStreamBatchInfo");
    info.put("shardId", shardId);
    info.put("startSequenceNumber", first.path("dynamodb").path("SequenceNumber").asText());
    info.put("endSequenceNumber", last.path("dynamodb").path("SequenceNumber").asText());
    info.put("approximateArrivalOfFirstRecord", arrival(first));
    info.put("approximateArrivalOfLastRecord", arrival(last));
    info.put("batchSize", batch.size());
    info.put("streamArn", streamArn);
    try {
      return JSON.writeValueAsString(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String arrival(JsonNode record) {
    JsonNode seconds = record.path("dynamodb").path("ApproximateCreationDateTime");
    return seconds.isNumber() ? Instant.ofEpochMilli(seconds.decimalValue().movePointRight(3).longValue()).toString() : null;
  }
}
