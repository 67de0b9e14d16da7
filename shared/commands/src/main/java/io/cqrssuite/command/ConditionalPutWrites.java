package io.cqrssuite.command;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * One conditional {@code PutItem} per write, for engines without transactions: an entity's history puts first (a
 * failed {@code attribute_not_exists} is a replay), then its data put, so a crash in between leaves history ahead
 * of the data table, never behind. Still fewer calls than record by record: one read per entity and delivery, and
 * one data put for all of an entity's commands.
 */
final class ConditionalPutWrites implements PlanWrites {
  private final Supplier<DynamoDbClient> dynamoDb;
  private final CommandTables tables;

  ConditionalPutWrites(Supplier<DynamoDbClient> dynamoDb, CommandTables tables) {
    this.dynamoDb = dynamoDb;
    this.tables = tables;
  }

  @Override
  public String name() {
    return "conditional-puts";
  }

  @Override
  public Map<EntityKey, Result> write(List<EntityPlan> plans) {
    Map<EntityKey, Result> results = new LinkedHashMap<>();
    for (EntityPlan plan : plans) {
      results.put(plan.key(), write(plan));
    }
    return results;
  }

  private Result write(EntityPlan plan) {
    try {
      for (Map<String, AttributeValue> item : plan.history()) {
        put(tables.history(), item, EntityPlan.HISTORY_CONDITION, null);
      }
      if (plan.data() != null && !put(tables.data(), plan.data().item(), plan.data().condition(), plan.data().values())) {
        return Result.MOVED;
      }
      return Result.WRITTEN;
    } catch (SdkException e) {
      return Result.FAILED;
    }
  }

  /** Whether the put was made; {@code false} when its condition failed. */
  private boolean put(String table, Map<String, AttributeValue> item, String condition, Map<String, AttributeValue> values) {
    try {
      dynamoDb.get().putItem(r -> r.tableName(table).item(item).conditionExpression(condition)
          .expressionAttributeNames(EntityPlan.names(condition)).expressionAttributeValues(values));
      return true;
    } catch (ConditionalCheckFailedException lost) {
      return false;
    }
  }
}
