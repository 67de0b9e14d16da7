package io.cqrssuite.factory;

import com.fasterxml.jackson.databind.JsonNode;
import io.cqrssuite.event.EventSource;
import io.cqrssuite.event.InvalidEventException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Tells which AWS service delivered a raw event, from its shape alone: Lambda passes no other hint to a single
 * entrypoint subscribed to several sources.
 */
final class SourceDetector {
  private SourceDetector() {}

  public static EventSource detect(JsonNode root) {
    if (root == null || !root.isObject()) {
      throw new InvalidEventException(
          "", "an event must be a JSON object, found " + (root == null ? "nothing" : root.getNodeType()));
    }
    JsonNode records = root.get("Records");
    if (records != null && records.isArray() && records.isEmpty() && tumblingWindowOfAStream(root)) {
      // A tumbling window's last invocation may carry no record: the window alone.
      return EventSource.DYNAMODB_STREAM;
    }
    if (records != null) {
      if (!records.isArray() || records.isEmpty()) {
        throw new InvalidEventException("Records", "must be a non-empty array");
      }
      // The first record that names a known source decides; records that do not are rejected one by one later,
      // so one damaged record does not fail the whole delivery.
      InvalidEventException first = null;
      for (int i = 0; i < records.size(); i++) {
        try {
          return recordSource(records.get(i), "Records[" + i + "]");
        } catch (InvalidEventException e) {
          first = first == null ? e : first;
        }
      }
      throw first;
    }
    if (root.hasNonNull("detail-type") && root.hasNonNull("source") && root.has("detail")) {
      return EventSource.EVENT_BRIDGE;
    }
    if (root.hasNonNull("taskToken") || (root.hasNonNull("executionId") && root.hasNonNull("state"))) {
      return EventSource.STEP_FUNCTIONS;
    }
    throw new InvalidEventException(
        "",
        "unknown event source: not S3, SQS, SNS or DynamoDB-stream Records, not an EventBridge event, not a Step"
            + " Functions task payload (taskToken / executionId + state); top-level fields "
            + fieldNames(root));
  }

  private static boolean tumblingWindowOfAStream(JsonNode root) {
    return root.path("window").isObject() && root.path("eventSourceARN").asText("").startsWith("arn:aws:dynamodb:");
  }

  /** The source a single record names: {@code eventSource} (S3, SQS, DynamoDB) or {@code EventSource} (SNS). */
  static EventSource recordSource(JsonNode record, String where) {
    if (record == null || !record.isObject()) {
      throw new InvalidEventException(where, "a record must be an object");
    }
    JsonNode name = record.has("eventSource") ? record.get("eventSource") : record.get("EventSource");
    if (name == null || !name.isTextual()) {
      throw new InvalidEventException(where, "missing eventSource / EventSource");
    }
    switch (name.textValue()) {
      case "aws:s3":
        return EventSource.S3;
      case "aws:sqs":
        return EventSource.SQS;
      case "aws:sns":
        return EventSource.SNS;
      case "aws:dynamodb":
        return EventSource.DYNAMODB_STREAM;
      default:
        throw new InvalidEventException(where + ".eventSource", "unknown event source '" + name.textValue() + "'");
    }
  }

  private static List<String> fieldNames(JsonNode root) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = root.fieldNames(); it.hasNext() && names.size() < 10; ) {
      String name = it.next();
      names.add(name.length() > 40 ? name.substring(0, 40) + "..." : name);
    }
    return names;
  }
}
