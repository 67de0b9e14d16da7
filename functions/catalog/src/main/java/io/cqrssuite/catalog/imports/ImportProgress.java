package io.cqrssuite.catalog.imports;

import io.cqrssuite.aws.internal.OnFirstUse;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * One item per import ({@code pk = IMPORT#<execution name>}), updated while it runs: the plan puts the totals
 * ({@code chunks}, {@code rows}), each chunk adds its counts ({@code chunksDone}, {@code ok}, {@code rejected}) once,
 * the summary sets {@code status}. A chunk's counts are added under the condition that its index is not yet in
 * {@code chunkIndexes}, so a re-run chunk is not counted twice. Without a table, nothing is stored.
 */
public final class ImportProgress {
  private final Supplier<DynamoDbClient> dynamoDb;
  private final String table;
  private final Clock clock;

  /** {@code table} {@code null}: progress is not stored; {@code dynamoDb} is called once, at the first write. */
  public ImportProgress(Supplier<DynamoDbClient> dynamoDb, String table, Clock clock) {
    this.dynamoDb = new OnFirstUse<>(dynamoDb);
    this.table = table;
    this.clock = clock;
  }

  public static String keyOf(String importId) {
    return "IMPORT#" + importId;
  }

  public void planned(String importId, CsvSource source, int chunks, long rows) {
    if (table == null) {
      return;
    }
    dynamoDb.get().updateItem(r -> r.tableName(table)
        .key(key(importId))
        .updateExpression("SET #b = :b, #k = :k, chunks = :c, #rows = :r, #s = if_not_exists(#s, :running), startedAt = if_not_exists(startedAt, :now)")
        .expressionAttributeNames(Map.of("#b", "bucket", "#k", "key", "#rows", "rows", "#s", "status"))
        .expressionAttributeValues(Map.of(
            ":b", s(source.bucket()), ":k", s(source.key()), ":c", n(chunks), ":r", n(rows),
            ":running", s("RUNNING"), ":now", s(clock.instant().toString()))));
  }

  /** Returns whether the counts were added: {@code false} when this chunk had been counted before. */
  public boolean chunkDone(String importId, int chunkIndex, int ok, int rejected) {
    if (table == null) {
      return true;
    }
    try {
      dynamoDb.get().updateItem(r -> r.tableName(table)
          .key(key(importId))
          .updateExpression("ADD chunkIndexes :i, chunksDone :one, ok :ok, rejected :rejected SET updatedAt = :now")
          .conditionExpression("attribute_not_exists(chunkIndexes) OR NOT contains(chunkIndexes, :index)")
          .expressionAttributeValues(Map.of(
              ":i", AttributeValue.fromNs(java.util.List.of(Integer.toString(chunkIndex))),
              ":index", n(chunkIndex), ":one", n(1), ":ok", n(ok), ":rejected", n(rejected),
              ":now", s(clock.instant().toString()))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  public void finished(String importId, String status, long ok, long rejected, int failedChunks) {
    if (table == null) {
      return;
    }
    dynamoDb.get().updateItem(r -> r.tableName(table)
        .key(key(importId))
        .updateExpression("SET #s = :s, totalOk = :ok, totalRejected = :rejected, failedChunks = :f, finishedAt = :now")
        .expressionAttributeNames(Map.of("#s", "status"))
        .expressionAttributeValues(Map.of(
            ":s", s(status), ":ok", n(ok), ":rejected", n(rejected), ":f", n(failedChunks), ":now", s(clock.instant().toString()))));
  }

  /** The progress item as stored, for a user or a test; empty without a table or before the plan. */
  public Optional<Map<String, AttributeValue>> read(String importId) {
    if (table == null) {
      return Optional.empty();
    }
    Map<String, AttributeValue> item = dynamoDb.get().getItem(r -> r.tableName(table).key(key(importId)).consistentRead(true)).item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
  }

  private static Map<String, AttributeValue> key(String importId) {
    Map<String, AttributeValue> key = new HashMap<>();
    key.put("pk", s(keyOf(importId)));
    return key;
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
