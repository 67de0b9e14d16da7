package io.cqrssuite.operations;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * Resync checkpoints in a DynamoDB table, for a resync whose segments run as separate workers (the deployed resync
 * workflow's Lambda tasks, one segment each, called again until done). One item per (run, segment): partition key
 * {@value #RUN} (S), sort key {@value #SEGMENT} (N), with the scan's next key as DynamoDB holds it ({@value #NEXT},
 * a map of the key's attributes), the done flag, the segment's entity count, a revision and the TTL attribute
 * {@value #EXPIRES_AT} (epoch seconds, moved on at every save).
 *
 * <p>Two workers on one segment (a retried task while the first attempt still runs) cannot both advance it: every
 * save is conditional on the revision this instance loaded or last saved, and the loser gets a
 * {@link CheckpointConflictException} instead of moving the segment backwards or past a page it did not write.
 *
 * <p>Each item names its run (source table, segment count, since): an item of a run with the same id but other
 * settings is refused rather than resumed wrongly.
 */
public final class DynamoDbCheckpoints implements ResyncCheckpoints {
  static final String RUN = "run";
  static final String SEGMENT = "segment";
  static final String NEXT = "next";
  static final String EXPIRES_AT = "expiresAt";
  private static final String SOURCE = "source";
  private static final String SEGMENTS = "segments";
  private static final String SINCE = "since";
  private static final String DONE = "done";
  private static final String ENTITIES = "entities";
  private static final String REVISION = "revision";
  private static final String UPDATED_AT = "updatedAt";

  /**
   * What identifies a run: its id (the workflow's run id) and the settings its checkpoints are only valid for.
   *
   * @param since {@code null} for a full resync
   */
  public record Run(String id, String source, int segments, String since) {
    public Run {
      if (id == null || id.isBlank()) {
        throw new IllegalArgumentException("a resync run needs an id");
      }
      Objects.requireNonNull(source, "source");
      if (segments < 1) {
        throw new IllegalArgumentException("segments must be at least 1, found " + segments);
      }
    }
  }

  private final DynamoDbClient dynamoDb;
  private final String table;
  private final Run run;
  private final Duration keptFor;
  private final Clock clock;
  /** Per segment, the revision the table holds as far as this instance knows (0: no item yet). */
  private final Map<Integer, Long> revisions = new ConcurrentHashMap<>();

  /** @param keptFor how long an item outlives its last save before DynamoDB's TTL removes it */
  public DynamoDbCheckpoints(DynamoDbClient dynamoDb, String table, Run run, Duration keptFor, Clock clock) {
    this.dynamoDb = dynamoDb;
    this.table = table;
    this.run = run;
    this.keptFor = keptFor;
    this.clock = clock;
  }

  @Override
  public Optional<State> load(int segment) {
    GetItemResponse response = dynamoDb.getItem(r -> r.tableName(table).key(key(segment)).consistentRead(true));
    if (!response.hasItem() || response.item().isEmpty()) {
      revisions.put(segment, 0L);
      return Optional.empty();
    }
    Map<String, AttributeValue> item = response.item();
    Run stored = new Run(
        run.id(), item.get(SOURCE).s(), Integer.parseInt(item.get(SEGMENTS).n()), item.containsKey(SINCE) ? item.get(SINCE).s() : null);
    if (!stored.equals(run)) {
      throw new IllegalArgumentException(
          "table " + table + " holds checkpoints of resync run " + run.id() + " with other settings (" + describe(stored)
              + ", not " + describe(run) + "): give that run's source, segments and since to resume it, or a new run id");
    }
    revisions.put(segment, Long.parseLong(item.get(REVISION).n()));
    AttributeValue next = item.get(NEXT);
    return Optional.of(new State(
        next == null ? null : next.m(), item.get(DONE).bool(), Long.parseLong(item.get(ENTITIES).n())));
  }

  @Override
  public void save(int segment, State state) {
    long expected = revisions.getOrDefault(segment, 0L);
    Map<String, AttributeValue> item = new HashMap<>(key(segment));
    item.put(SOURCE, AttributeValue.fromS(run.source()));
    item.put(SEGMENTS, AttributeValue.fromN(Integer.toString(run.segments())));
    if (run.since() != null) {
      item.put(SINCE, AttributeValue.fromS(run.since()));
    }
    if (state.next() != null) {
      item.put(NEXT, AttributeValue.fromM(state.next()));
    }
    item.put(DONE, AttributeValue.fromBool(state.done()));
    item.put(ENTITIES, AttributeValue.fromN(Long.toString(state.entities())));
    item.put(REVISION, AttributeValue.fromN(Long.toString(expected + 1)));
    item.put(UPDATED_AT, AttributeValue.fromS(clock.instant().toString()));
    item.put(EXPIRES_AT, AttributeValue.fromN(Long.toString(clock.instant().plus(keptFor).getEpochSecond())));
    PutItemRequest.Builder put = PutItemRequest.builder().tableName(table).item(item);
    if (expected == 0) {
      put.conditionExpression("attribute_not_exists(#run)").expressionAttributeNames(Map.of("#run", RUN));
    } else {
      put.conditionExpression("#revision = :expected")
          .expressionAttributeNames(Map.of("#revision", REVISION))
          .expressionAttributeValues(Map.of(":expected", AttributeValue.fromN(Long.toString(expected))));
    }
    try {
      dynamoDb.putItem(put.build());
    } catch (ConditionalCheckFailedException e) {
      throw new CheckpointConflictException(
          "segment " + segment + " of resync run " + run.id() + " was advanced by another worker since this one read"
              + " revision " + expected + " of its checkpoint: this worker stops, the other goes on", e);
    }
    revisions.put(segment, expected + 1);
  }

  private Map<String, AttributeValue> key(int segment) {
    return Map.of(RUN, AttributeValue.fromS(run.id()), SEGMENT, AttributeValue.fromN(Integer.toString(segment)));
  }

  private static String describe(Run run) {
    return "source " + run.source() + ", " + run.segments() + " segments, " + (run.since() == null ? "full" : "since " + run.since());
  }
}
