package io.cqrssuite.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A test stand-in for DynamoDB Streams only (dynalite has none): turns the items {@link CommandService} really wrote
 * into the exact {@code DynamodbEvent} JSON a stream event-source mapping delivers to Lambda (attribute-value images,
 * {@code NEW_AND_OLD_IMAGES}, increasing sequence numbers; a TTL expiry as a {@code REMOVE} by DynamoDB's service
 * identity). Nothing here is on the production path.
 */
final class CommandStreamDeliveries {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private final DynamoDbClient dynamoDb;
  private final String table;
  private final ObjectMapper mapper = new ObjectMapper();
  private long sequence = 4_100_000_000_000_000_000L;

  CommandStreamDeliveries(DynamoDbClient dynamoDb, String table) {
    this.dynamoDb = dynamoDb;
    this.table = table;
  }

  /** The INSERT records of an entity's commands as stored, in version order (the order the stream delivers them). */
  List<ObjectNode> inserts(String pk, String code) {
    List<ObjectNode> records = new ArrayList<>();
    for (Map<String, AttributeValue> item : items(pk, code)) {
      records.add(record("INSERT", item, false));
    }
    return records;
  }

  /** The REMOVE TTL makes when command {@code version} expires: DynamoDB's service identity, the old image. */
  ObjectNode ttlExpiry(String pk, String code, long version) {
    Map<String, AttributeValue> item = items(pk, code).stream()
        .filter(i -> Long.parseLong(i.get("version").n()) == version).findFirst().orElseThrow();
    return record("REMOVE", item, true);
  }

  /** Lambda's event for one delivery of {@code records}, in the given order. */
  byte[] event(List<ObjectNode> records) {
    ObjectNode event = NODES.objectNode();
    ArrayNode array = event.putArray("Records");
    records.forEach(array::add);
    try {
      return mapper.writeValueAsBytes(event);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private List<Map<String, AttributeValue>> items(String pk, String code) {
    return dynamoDb.query(r -> r.tableName(table)
            .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
            .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk), ":prefix", AttributeValue.fromS(code + "@")))
            .consistentRead(true))
        .items();
  }

  private ObjectNode record(String eventName, Map<String, AttributeValue> item, boolean byTtl) {
    String sequenceNumber = Long.toString(sequence += 100);
    ObjectNode record = NODES.objectNode();
    record.put("eventID", Long.toHexString(sequence) + "5eed");
    record.put("eventName", eventName);
    record.put("eventVersion", "1.1");
    record.put("eventSource", "aws:dynamodb");
    record.put("awsRegion", "us-east-1");
    ObjectNode dynamodb = record.putObject("dynamodb");
    dynamodb.put("ApproximateCreationDateTime", 1_795_593_600L);
    ObjectNode keys = dynamodb.putObject("Keys");
    keys.set("pk", wire(item.get("pk")));
    keys.set("sk", wire(item.get("sk")));
    dynamodb.set("REMOVE".equals(eventName) ? "OldImage" : "NewImage", wire(item));
    dynamodb.put("SequenceNumber", sequenceNumber);
    dynamodb.put("SizeBytes", 400);
    dynamodb.put("StreamViewType", "NEW_AND_OLD_IMAGES");
    record.put("eventSourceARN", "arn:aws:dynamodb:us-east-1:123456789012:table/" + table + "/stream/2026-11-25T00:00:00.000");
    if (byTtl) {
      ObjectNode identity = record.putObject("userIdentity");
      identity.put("type", "Service");
      identity.put("principalId", "dynamodb.amazonaws.com");
    }
    return record;
  }

  private static ObjectNode wire(Map<String, AttributeValue> item) {
    ObjectNode json = NODES.objectNode();
    item.forEach((name, value) -> json.set(name, wire(value)));
    return json;
  }

  /** One attribute value as the stream's JSON writes it. */
  static ObjectNode wire(AttributeValue value) {
    ObjectNode json = NODES.objectNode();
    switch (value.type()) {
      case S -> json.put("S", value.s());
      case N -> json.put("N", value.n());
      case BOOL -> json.put("BOOL", value.bool());
      case NUL -> json.put("NULL", true);
      case B -> json.put("B", Base64.getEncoder().encodeToString(value.b().asByteArray()));
      case M -> json.set("M", wire(value.m()));
      case L -> {
        ArrayNode list = json.putArray("L");
        value.l().forEach(element -> list.add(wire(element)));
      }
      case SS -> value.ss().forEach(json.putArray("SS")::add);
      case NS -> value.ns().forEach(json.putArray("NS")::add);
      case BS -> value.bs().forEach(b -> json.withArray("BS").add(Base64.getEncoder().encodeToString(b.asByteArray())));
      default -> throw new IllegalArgumentException("unknown attribute value type: " + value);
    }
    return json;
  }
}
