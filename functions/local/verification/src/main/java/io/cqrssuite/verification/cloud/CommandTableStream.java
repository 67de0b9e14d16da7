package io.cqrssuite.verification.cloud;

import io.cqrssuite.reliability.stream.StreamRecordJson;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * A stand-in for the command table's DynamoDB stream and its event-source mapping, where dynalite has no Streams:
 * each {@link #poll()} scans the table for the items written or changed since the last poll and turns them, in write
 * order (the items' {@code updatedAt}, then key, so one product's versions keep their order), into the records a
 * {@code NEW_AND_OLD_IMAGES} stream delivers, with increasing sequence numbers; {@link #deliver} hands them to the
 * function in batches of the mapping's {@code BatchSize}, redelivering a batch from the sequence number the
 * function reports, as the mapping does. The command table's items are written once (a conditional put), so a
 * changed item is rare; for one, only a hash of its earlier image is kept (memory stays flat over a large import),
 * and its {@code MODIFY} carries the new image alone. Never on the production path.
 */
public final class CommandTableStream {
  /** Items as the stream's JSON writes them: the one conversion the suite has (reliability.stream). */
  private static final StreamRecordJson STREAM_JSON = new StreamRecordJson(JsonNodeFactory.instance);
  /** Redeliveries of one batch before it is given up (the template's MaximumRetryAttempts). */
  public static final int MAX_ATTEMPTS = 10;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DynamoDbClient dynamoDb;
  private final String table;
  private final String streamArn;
  private final Map<String, Integer> seen = new HashMap<>();
  private long sequence = 4_200_000_000_000_000_000L;

  public CommandTableStream(DynamoDbClient dynamoDb, String table) {
    this.dynamoDb = dynamoDb;
    this.table = table;
    this.streamArn = "arn:aws:dynamodb:us-east-1:123456789012:table/" + table + "/stream/2026-11-25T00:00:00.000";
  }

  /** How a delivery went. */
  public record Delivery(int records, int batches, int redeliveries, int givenUp, long nanos) {}

  /** The records of every item written or changed since the previous poll, in write order. */
  public List<ObjectNode> poll() {
    List<Map<String, AttributeValue>> fresh = new ArrayList<>();
    List<Boolean> modified = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      ScanResponse page = dynamoDb.scan(r -> r.tableName(table).consistentRead(true).exclusiveStartKey(from));
      for (Map<String, AttributeValue> item : page.items()) {
        String key = item.get("pk").s() + "\u0000" + item.get("sk").s();
        Integer before = seen.put(key, item.hashCode());
        if (before == null || before != item.hashCode()) {
          fresh.add(item);
          modified.add(before != null);
        }
      }
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < fresh.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.<Integer, Instant>comparing(i -> writtenAt(fresh.get(i)))
        .thenComparing(i -> fresh.get(i).get("pk").s())
        .thenComparing(i -> fresh.get(i).get("sk").s()));
    List<ObjectNode> records = new ArrayList<>(fresh.size());
    for (int i : order) {
      records.add(record(modified.get(i) ? "MODIFY" : "INSERT", fresh.get(i)));
    }
    return records;
  }

  /**
   * Delivers {@code records} to {@code handler} like the stream mapping: a reported failure makes the rest of the
   * batch, from the failed sequence number on, come again; after {@link #MAX_ATTEMPTS} the mapping gives up on it.
   */
  public Delivery deliver(RequestStreamHandler handler, List<ObjectNode> records, int batchSize) throws IOException {
    long t0 = System.nanoTime();
    int batches = 0;
    int redeliveries = 0;
    int givenUp = 0;
    for (int start = 0; start < records.size(); start += batchSize) {
      List<ObjectNode> batch = records.subList(start, Math.min(records.size(), start + batchSize));
      for (int attempt = 1; !batch.isEmpty(); attempt++) {
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event(batch)), response, null);
        batches++;
        JsonNode failures = response.size() == 0 ? NODES.nullNode() : JSON.readTree(response.toByteArray()).path("batchItemFailures");
        if (failures.isEmpty()) {
          break;
        }
        int from = indexOf(batch, failures.get(0).path("itemIdentifier").asText());
        if (attempt == MAX_ATTEMPTS) {
          givenUp += batch.size() - from;
          break;
        }
        redeliveries++;
        batch = batch.subList(from, batch.size());
      }
    }
    return new Delivery(records.size(), batches, redeliveries, givenUp, System.nanoTime() - t0);
  }

  /** Lambda's event for one delivery of {@code records}. */
  static byte[] event(List<ObjectNode> records) throws IOException {
    ObjectNode event = NODES.objectNode();
    ArrayNode array = event.putArray("Records");
    records.forEach(array::add);
    return JSON.writeValueAsBytes(event);
  }

  private static int indexOf(List<ObjectNode> batch, String sequenceNumber) {
    for (int i = 0; i < batch.size(); i++) {
      if (batch.get(i).path("dynamodb").path("SequenceNumber").asText().equals(sequenceNumber)) {
        return i;
      }
    }
    throw new IllegalStateException("the function reported a sequence number that is not in the batch: " + sequenceNumber);
  }

  private static Instant writtenAt(Map<String, AttributeValue> item) {
    AttributeValue updated = item.get("updatedAt");
    try {
      return updated == null || updated.s() == null ? Instant.EPOCH : Instant.parse(updated.s());
    } catch (DateTimeParseException e) {
      return Instant.EPOCH;
    }
  }

  private ObjectNode record(String eventName, Map<String, AttributeValue> item) {
    sequence += 100;
    ObjectNode record = NODES.objectNode();
    record.put("eventID", Long.toHexString(sequence) + "10ca1");
    record.put("eventName", eventName);
    record.put("eventVersion", "1.1");
    record.put("eventSource", "aws:dynamodb");
    record.put("awsRegion", "us-east-1");
    ObjectNode dynamodb = record.putObject("dynamodb");
    dynamodb.put("ApproximateCreationDateTime", writtenAt(item).getEpochSecond());
    ObjectNode keys = dynamodb.putObject("Keys");
    keys.set("pk", STREAM_JSON.attributeValue(item.get("pk")));
    keys.set("sk", STREAM_JSON.attributeValue(item.get("sk")));
    dynamodb.set("NewImage", STREAM_JSON.item(item));
    dynamodb.put("SequenceNumber", Long.toString(sequence));
    dynamodb.put("SizeBytes", 400);
    dynamodb.put("StreamViewType", "NEW_AND_OLD_IMAGES");
    record.put("eventSourceARN", streamArn);
    return record;
  }
}
