package io.cqrssuite.verification.statemachines;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.cqrssuite.reliability.stream.StreamRecordJson;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A stand-in for DynamoDB Streams (dynalite has none): the INSERT records of the command items CommandService really
 * wrote, as a {@code NEW_AND_OLD_IMAGES} stream delivers them to Lambda, with increasing sequence numbers.
 */
final class CommandStreamRecords {
  /** Items as the stream's JSON writes them: the one conversion the suite has (reliability.stream). */
  private static final StreamRecordJson STREAM_JSON = new StreamRecordJson(JsonNodeFactory.instance);
  private final DynamoDbClient dynamoDb;
  private final String table;
  private final ObjectMapper mapper;
  private long sequence = 4_200_000_000_000_000_000L;

  CommandStreamRecords(DynamoDbClient dynamoDb, String table, ObjectMapper mapper) {
    this.dynamoDb = dynamoDb;
    this.table = table;
    this.mapper = mapper;
  }

  /** The INSERT records of an entity's commands as stored, in version order. */
  synchronized List<ObjectNode> inserts(String pk, String code) {
    List<ObjectNode> records = new ArrayList<>();
    for (Map<String, AttributeValue> item : dynamoDb.query(r -> r.tableName(table)
            .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
            .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk), ":prefix", AttributeValue.fromS(code + "@")))
            .consistentRead(true))
        .items()) {
      sequence += 100;
      ObjectNode record = mapper.createObjectNode();
      record.put("eventID", Long.toHexString(sequence) + "5eed");
      record.put("eventName", "INSERT");
      record.put("eventVersion", "1.1");
      record.put("eventSource", "aws:dynamodb");
      record.put("awsRegion", "us-east-1");
      ObjectNode dynamodb = record.putObject("dynamodb");
      dynamodb.put("ApproximateCreationDateTime", 1_795_593_600L);
      ObjectNode keys = dynamodb.putObject("Keys");
      keys.set("pk", STREAM_JSON.attributeValue(item.get("pk")));
      keys.set("sk", STREAM_JSON.attributeValue(item.get("sk")));
      dynamodb.set("NewImage", STREAM_JSON.item(item));
      dynamodb.put("SequenceNumber", Long.toString(sequence));
      dynamodb.put("SizeBytes", 400);
      dynamodb.put("StreamViewType", "NEW_AND_OLD_IMAGES");
      record.put("eventSourceARN", "arn:aws:dynamodb:us-east-1:123456789012:table/" + table + "/stream/2026-11-25T00:00:00.000");
      records.add(record);
    }
    return records;
  }
}
