package io.cqrssuite.reliability.stream;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Identity;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

/**
 * A record read with the DynamoDB Streams API, in the JSON a stream event-source mapping hands Lambda
 * ({@code DynamodbEvent}'s record): the same {@code eventID} (the event id of contract §3), attribute values in
 * DynamoDB JSON, {@code ApproximateCreationDateTime} in epoch seconds, {@code userIdentity} in Lambda's lower-case
 * spelling, and {@code eventSourceARN}, which only Lambda adds. A replay of {@code {"Records":[record]}} is then the
 * delivery the handlers failed on.
 */
public final class StreamRecordJson {
  private final JsonNodeFactory nodes;

  public StreamRecordJson(JsonNodeFactory nodes) {
    this.nodes = nodes;
  }

  /** The Lambda-shaped record; {@code streamArn} becomes its {@code eventSourceARN}. */
  public ObjectNode lambdaRecord(Record record, String streamArn) {
    ObjectNode json = nodes.objectNode();
    putIfPresent(json, "eventID", record.eventID());
    putIfPresent(json, "eventName", record.eventNameAsString());
    putIfPresent(json, "eventVersion", record.eventVersion());
    putIfPresent(json, "eventSource", record.eventSource());
    putIfPresent(json, "awsRegion", record.awsRegion());
    StreamRecord change = record.dynamodb();
    if (change != null) {
      ObjectNode dynamodb = json.putObject("dynamodb");
      Instant created = change.approximateCreationDateTime();
      if (created != null) {
        // Lambda writes whole seconds as an integer; keep any fraction the API reports rather than dropping it.
        if (created.getNano() == 0) {
          dynamodb.put("ApproximateCreationDateTime", created.getEpochSecond());
        } else {
          dynamodb.put(
              "ApproximateCreationDateTime",
              BigDecimal.valueOf(created.getEpochSecond()).add(BigDecimal.valueOf(created.getNano(), 9)).stripTrailingZeros());
        }
      }
      if (change.hasKeys()) {
        dynamodb.set("Keys", item(change.keys()));
      }
      if (change.hasNewImage()) {
        dynamodb.set("NewImage", item(change.newImage()));
      }
      if (change.hasOldImage()) {
        dynamodb.set("OldImage", item(change.oldImage()));
      }
      putIfPresent(dynamodb, "SequenceNumber", change.sequenceNumber());
      if (change.sizeBytes() != null) {
        dynamodb.put("SizeBytes", change.sizeBytes());
      }
      putIfPresent(dynamodb, "StreamViewType", change.streamViewTypeAsString());
    }
    Identity identity = record.userIdentity();
    if (identity != null) {
      ObjectNode user = json.putObject("userIdentity");
      putIfPresent(user, "type", identity.type());
      putIfPresent(user, "principalId", identity.principalId());
    }
    json.put("eventSourceARN", streamArn);
    return json;
  }

  /** An item as DynamoDB JSON: {@code {"price": {"N": "129800"}}}. */
  public ObjectNode item(Map<String, AttributeValue> item) {
    ObjectNode json = nodes.objectNode();
    item.forEach((name, value) -> json.set(name, attributeValue(value)));
    return json;
  }

  /** One attribute value: an object with its one type key, binary values in base64. */
  public ObjectNode attributeValue(AttributeValue value) {
    ObjectNode json = nodes.objectNode();
    switch (value.type()) {
      case S -> json.put("S", value.s());
      case N -> json.put("N", value.n());
      case B -> json.put("B", base64(value.b()));
      case BOOL -> json.put("BOOL", value.bool());
      case NUL -> json.put("NULL", true);
      case SS -> {
        ArrayNode set = json.putArray("SS");
        value.ss().forEach(set::add);
      }
      case NS -> {
        ArrayNode set = json.putArray("NS");
        value.ns().forEach(set::add);
      }
      case BS -> {
        ArrayNode set = json.putArray("BS");
        value.bs().forEach(b -> set.add(base64(b)));
      }
      case M -> json.set("M", item(value.m()));
      case L -> {
        ArrayNode list = json.putArray("L");
        value.l().forEach(element -> list.add(attributeValue(element)));
      }
      default -> throw new IllegalArgumentException("attribute value of a type this SDK does not know: " + value);
    }
    return json;
  }

  private static String base64(SdkBytes bytes) {
    return Base64.getEncoder().encodeToString(bytes.asByteArrayUnsafe());
  }

  private static void putIfPresent(ObjectNode json, String field, String value) {
    if (value != null) {
      json.put(field, value);
    }
  }
}
