package io.cqrssuite.reliability.idempotency;

import io.cqrssuite.retry.InvocationDeadline;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Remembers which (handler, event id) pairs have run, in a DynamoDB table (contract §3), so a side effect that is
 * not version-guarded runs once per event however often the event is delivered or replayed.
 *
 * <p>One item per pair, partition key {@code id} = {@code <handler>#<eventId>}, with {@code status}
 * ({@code IN_PROGRESS} | {@code COMPLETED}), {@code expiresAt} (epoch seconds: the table's TTL attribute, enabled by
 * the template, never by this class), {@code inProgressUntil} (epoch millis: the lease of the invocation running the
 * effect, its remaining time from {@link InvocationDeadline}), {@code result} (the handler's result as JSON) and
 * {@code updatedAt} (epoch millis).
 *
 * <p>Guarantees: {@link #begin} claims a pair with one conditional put, so of two concurrent invocations only one
 * runs the effect; the other gets the stored result or {@link IdempotencyInProgressException}. An IN_PROGRESS record
 * whose lease ran out (the container died) and any record past {@code expiresAt} (TTL deletes up to days late) count
 * as absent. Every DynamoDB failure surfaces as the transient {@link IdempotencyStoreException}.
 */
public final class IdempotencyStore {
  static final String IN_PROGRESS = "IN_PROGRESS";
  static final String COMPLETED = "COMPLETED";

  private static final String CLAIMABLE =
      "attribute_not_exists(id) OR expiresAt < :now OR (#status = :inProgress AND inProgressUntil < :nowMillis)";

  private final Supplier<DynamoDbClient> dynamoDb;
  private final IdempotencySettings settings;
  private final InvocationDeadline deadline;
  private final Clock clock;

  public IdempotencyStore(DynamoDbClient dynamoDb, IdempotencySettings settings, InvocationDeadline deadline, Clock clock) {
    this(() -> dynamoDb, settings, deadline, clock);
  }

  /** With the DynamoDB client asked for at the first claim, not at init (the module's way). */
  public IdempotencyStore(
      Supplier<DynamoDbClient> dynamoDb, IdempotencySettings settings, InvocationDeadline deadline, Clock clock) {
    this.dynamoDb = dynamoDb;
    this.settings = settings;
    this.deadline = deadline;
    this.clock = clock;
  }

  /**
   * Claims the pair for this invocation. Returns empty when the caller now holds it and must run the effect, or the
   * stored result's JSON when the effect already completed.
   *
   * @throws IdempotencyInProgressException another invocation holds a live lease on the pair
   * @throws IdempotencyStoreException the table could not be read or written
   */
  public Optional<String> begin(String handler, String eventId) {
    String key = key(handler, eventId);
    // Two rounds: between a failed put and the read, the blocking record may be deleted (abandoned) or run out; the
    // second put then claims it. A third conflict means the pair is contended: let the record be retried.
    for (int round = 0; round < 2; round++) {
      Instant now = clock.instant();
      Map<String, AttributeValue> values = new HashMap<>();
      values.put(":now", number(now.getEpochSecond()));
      values.put(":nowMillis", number(now.toEpochMilli()));
      values.put(":inProgress", string(IN_PROGRESS));
      try {
        dynamoDb.get().putItem(r -> r.tableName(settings.table())
            .item(item(key, IN_PROGRESS, now, now.plus(deadline.remaining()), null))
            .conditionExpression(CLAIMABLE)
            .expressionAttributeNames(Map.of("#status", "status"))
            .expressionAttributeValues(values));
        return Optional.empty();
      } catch (ConditionalCheckFailedException held) {
        Optional<String> stored = storedResult(key);
        if (stored != null) {
          return stored;
        }
      } catch (SdkException e) {
        throw new IdempotencyStoreException("idempotency record " + key + " could not be claimed in " + settings.table(), e);
      }
    }
    throw new IdempotencyInProgressException(key);
  }

  /** Records the effect as done with its result, so a repeat returns {@code resultJson} instead of running again. */
  public void complete(String handler, String eventId, String resultJson) {
    String key = key(handler, eventId);
    try {
      dynamoDb.get().putItem(r -> r.tableName(settings.table()).item(item(key, COMPLETED, clock.instant(), null, resultJson)));
    } catch (SdkException e) {
      throw new IdempotencyStoreException("idempotency record " + key + " could not be completed in " + settings.table(), e);
    }
  }

  /** Releases the claim after a failed effect, so the retry runs it again. A completed record is left alone. */
  public void abandon(String handler, String eventId) {
    String key = key(handler, eventId);
    try {
      dynamoDb.get().deleteItem(r -> r.tableName(settings.table())
          .key(Map.of("id", string(key)))
          .conditionExpression("#status = :inProgress")
          .expressionAttributeNames(Map.of("#status", "status"))
          .expressionAttributeValues(Map.of(":inProgress", string(IN_PROGRESS))));
    } catch (ConditionalCheckFailedException notOurs) {
      // Already gone, or completed by another invocation that took over an expired lease: nothing to release.
    } catch (SdkException e) {
      throw new IdempotencyStoreException("idempotency record " + key + " could not be released in " + settings.table(), e);
    }
  }

  static String key(String handler, String eventId) {
    return handler + "#" + eventId;
  }

  /**
   * Reads the record that blocked a claim: the stored result if it is completed and live, {@code null} if it no
   * longer blocks (gone, expired, lease run out) and the claim should be tried again.
   */
  private Optional<String> storedResult(String key) {
    Map<String, AttributeValue> item;
    try {
      item = dynamoDb.get().getItem(r -> r.tableName(settings.table()).key(Map.of("id", string(key))).consistentRead(true)).item();
    } catch (SdkException e) {
      throw new IdempotencyStoreException("idempotency record " + key + " could not be read from " + settings.table(), e);
    }
    if (item == null || item.isEmpty()) {
      return null;
    }
    Instant now = clock.instant();
    if (longOf(item, "expiresAt") < now.getEpochSecond()) {
      return null;
    }
    AttributeValue status = item.get("status");
    if (status != null && COMPLETED.equals(status.s())) {
      AttributeValue result = item.get("result");
      return Optional.of(result == null || result.s() == null ? "null" : result.s());
    }
    if (longOf(item, "inProgressUntil") < now.toEpochMilli()) {
      return null;
    }
    throw new IdempotencyInProgressException(key);
  }

  private Map<String, AttributeValue> item(String key, String status, Instant now, Instant inProgressUntil, String result) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("id", string(key));
    item.put("status", string(status));
    item.put("expiresAt", number(now.plus(settings.recordLifetime()).getEpochSecond()));
    item.put("updatedAt", number(now.toEpochMilli()));
    if (inProgressUntil != null) {
      item.put("inProgressUntil", number(inProgressUntil.toEpochMilli()));
    }
    if (result != null) {
      item.put("result", string(result));
    }
    return item;
  }

  private static long longOf(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    if (value == null || value.n() == null) {
      return Long.MIN_VALUE;
    }
    return Long.parseLong(value.n());
  }

  private static AttributeValue string(String value) {
    return AttributeValue.builder().s(value).build();
  }

  private static AttributeValue number(long value) {
    return AttributeValue.builder().n(Long.toString(value)).build();
  }
}
