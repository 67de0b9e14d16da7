package io.cqrssuite.verification.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A stand-in for the AWS side only: turns the generated command log into the exact {@code DynamodbEvent} JSON a
 * stream event-source mapping delivers to Lambda (attribute-value images, {@code NEW_AND_OLD_IMAGES}, TTL expiries
 * marked with DynamoDB's service identity), with the delivery effects the suite must absorb: duplicates and
 * reordering within a window. Nothing here is on the production path.
 */
public final class StreamDeliveries {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String tableName;
  private final String streamArn;

  public StreamDeliveries(String tableName) {
    this.tableName = tableName;
    this.streamArn = "arn:aws:dynamodb:us-east-1:123456789012:table/" + tableName + "/stream/2026-11-01T00:00:00.000";
  }

  /** The stream records in delivery order: the log, duplicates added, shuffled within windows. */
  public List<ObjectNode> records(List<ProductCommand> log, WorkloadOptions options) {
    Random random = new Random(options.seed() ^ 0x5DEECE66DL);
    List<ObjectNode> records = new ArrayList<>(log.size());
    long sequence = 100_000_000_000_000_000L;
    for (ProductCommand command : log) {
      records.add(record(command, Long.toString(sequence += 100)));
    }
    List<ObjectNode> delivered = new ArrayList<>(records.size() + (int) (records.size() * options.duplicateRate()) + 1);
    for (int i = 0; i < records.size(); i++) {
      delivered.add(records.get(i));
    }
    int duplicates = (int) Math.round(records.size() * options.duplicateRate());
    for (int d = 0; d < duplicates; d++) {
      int original = random.nextInt(records.size());
      int at = Math.min(delivered.size(), original + 1 + random.nextInt(Math.max(1, options.reorderWindow() * 3)));
      delivered.add(at, records.get(original));
    }
    for (int start = 0; start < delivered.size(); start += options.reorderWindow()) {
      Collections.shuffle(delivered.subList(start, Math.min(delivered.size(), start + options.reorderWindow())), random);
    }
    return delivered;
  }

  /** Records grouped into deliveries of at most {@code batchSize}, each as Lambda's event JSON. */
  public static List<byte[]> batches(List<ObjectNode> records, int batchSize) {
    List<byte[]> batches = new ArrayList<>();
    for (int start = 0; start < records.size(); start += batchSize) {
      batches.add(event(records.subList(start, Math.min(records.size(), start + batchSize))));
    }
    return batches;
  }

  public static byte[] event(List<? extends JsonNode> records) {
    ObjectNode event = NODES.objectNode();
    ArrayNode array = event.putArray("Records");
    records.forEach(array::add);
    try {
      return JSON.writeValueAsBytes(event);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private ObjectNode record(ProductCommand command, String sequenceNumber) {
    ObjectNode record = NODES.objectNode();
    record.put("eventID", Long.toHexString(Long.parseLong(sequenceNumber)) + "c0ffee");
    record.put("eventName", command.expiry() ? "REMOVE" : "INSERT");
    record.put("eventVersion", "1.1");
    record.put("eventSource", "aws:dynamodb");
    record.put("awsRegion", "us-east-1");
    ObjectNode dynamodb = record.putObject("dynamodb");
    dynamodb.put("ApproximateCreationDateTime", java.time.Instant.parse(command.image().path("updatedAt").asText()).getEpochSecond());
    ObjectNode keys = dynamodb.putObject("Keys");
    keys.set("pk", attribute(command.image().get("pk")));
    keys.set("sk", attribute(command.image().get("sk")));
    dynamodb.set(command.expiry() ? "OldImage" : "NewImage", item(command.image()));
    dynamodb.put("SequenceNumber", sequenceNumber);
    dynamodb.put("SizeBytes", 400);
    dynamodb.put("StreamViewType", "NEW_AND_OLD_IMAGES");
    record.put("eventSourceARN", streamArn);
    if (command.expiry()) {
      ObjectNode identity = record.putObject("userIdentity");
      identity.put("type", "Service");
      identity.put("principalId", "dynamodb.amazonaws.com");
    }
    return record;
  }

  /** Plain JSON to DynamoDB's attribute-value JSON: the inverse of what the suite's factory does. */
  static ObjectNode item(JsonNode plain) {
    ObjectNode item = NODES.objectNode();
    for (Map.Entry<String, JsonNode> field : (Iterable<Map.Entry<String, JsonNode>>) plain::fields) {
      item.set(field.getKey(), attribute(field.getValue()));
    }
    return item;
  }

  static ObjectNode attribute(JsonNode value) {
    ObjectNode attribute = NODES.objectNode();
    if (value == null || value.isNull()) {
      attribute.put("NULL", true);
    } else if (value.isTextual()) {
      attribute.put("S", value.textValue());
    } else if (value.isNumber()) {
      attribute.put("N", value.asText());
    } else if (value.isBoolean()) {
      attribute.put("BOOL", value.booleanValue());
    } else if (value.isArray()) {
      ArrayNode list = attribute.putArray("L");
      value.forEach(element -> list.add(attribute(element)));
    } else {
      attribute.set("M", item(value));
    }
    return attribute;
  }

  public String tableName() {
    return tableName;
  }
}
