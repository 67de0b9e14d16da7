package io.cqrssuite.command;

import io.cqrssuite.reliability.stream.StreamRecordJson;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
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
  /** Items as the stream's JSON writes them: the one conversion the suite has (reliability.stream). */
  private static final StreamRecordJson STREAM_JSON = new StreamRecordJson(JsonNodeFactory.instance);
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
    keys.set("pk", STREAM_JSON.attributeValue(item.get("pk")));
    keys.set("sk", STREAM_JSON.attributeValue(item.get("sk")));
    dynamodb.set("REMOVE".equals(eventName) ? "OldImage" : "NewImage", STREAM_JSON.item(item));
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
}
