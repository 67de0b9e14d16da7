package io.cqrssuite.reliability.alarm;

import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Counts alarms per fingerprint and time window in a DynamoDB table (partition key {@code id}, a string; TTL on
 * {@code expiresAt}), shared by every container of every function: item {@code alarm#<fingerprint>#<windowStart>}
 * (window start in epoch seconds) with a {@code count} added to atomically ({@code UpdateItem ADD}, returning the
 * new value), so of any number of concurrent raises exactly one sees 1. SDK failures propagate.
 */
final class AlarmCounter {
  private final DynamoDbClient dynamoDb;
  private final String table;

  public AlarmCounter(DynamoDbClient dynamoDb, String table) {
    this.dynamoDb = dynamoDb;
    this.table = table;
  }

  public String table() {
    return table;
  }

  static String key(String fingerprint, long windowStart) {
    return "alarm#" + fingerprint + "#" + windowStart;
  }

  /** Adds one raise to the window's counter and returns the count after it. */
  public long increment(String fingerprint, long windowStart, Instant expiresAt) {
    Map<String, AttributeValue> updated =
        dynamoDb.updateItem(r -> r.tableName(table)
                .key(Map.of("id", AttributeValue.builder().s(key(fingerprint, windowStart)).build()))
                .updateExpression("ADD #count :one SET expiresAt = :expires")
                .expressionAttributeNames(Map.of("#count", "count"))
                .expressionAttributeValues(Map.of(
                    ":one", AttributeValue.builder().n("1").build(),
                    ":expires", AttributeValue.builder().n(Long.toString(expiresAt.getEpochSecond())).build()))
                .returnValues(ReturnValue.UPDATED_NEW))
            .attributes();
    AttributeValue count = updated == null ? null : updated.get("count");
    return count == null || count.n() == null ? 1 : Long.parseLong(count.n());
  }

  /** The window's count, 0 when nothing was raised in it (or its item expired). */
  public long read(String fingerprint, long windowStart) {
    Map<String, AttributeValue> item =
        dynamoDb.getItem(r -> r.tableName(table)
                .key(Map.of("id", AttributeValue.builder().s(key(fingerprint, windowStart)).build()))
                .consistentRead(true))
            .item();
    if (item == null || item.get("count") == null || item.get("count").n() == null) {
      return 0;
    }
    return Long.parseLong(item.get("count").n());
  }
}
