package io.cqrssuite.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.sync.SyncOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@link CommandSync} for a whole stream delivery at once, with the same guarantees (an older version never replaces
 * a newer one; a duplicate changes nothing; every version that is not the latest ends in history, a late one
 * included) in far fewer calls: the delivery's commands are grouped by entity, the entities' data items read with
 * {@code BatchGetItem} (consistent, 100 keys a request), each entity's commands played in stream order on its item
 * ({@link EntityPlan}), and the history and data puts made together ({@link PlanWrites}: transactions, or
 * conditional puts where the engine has none). An entity whose data item moved under the writes is read and planned
 * again, as {@code CommandSync}'s rounds do.
 *
 * <p>It settles entities whole or not at all: an entity whose writes still fail after the last round is left out of
 * the result, every one of its commands, so the caller syncs them one by one, in order, with {@code CommandSync}
 * (safe: every step is version-guarded and history puts are replays). The data table is written once per entity
 * with its newest state, not once per command: its own stream shows that state only, while history keeps them all.
 */
public final class CommandBatchSync {
  private static final int ROUNDS = 4;
  private static final Duration FIRST_PAUSE = Duration.ofMillis(20);

  private final DataItemReads reads;
  private final PlanWrites writes;

  public CommandBatchSync(DynamoDbClient dynamoDb, CommandTables tables, CommandSyncWrites how) {
    this(() -> dynamoDb, tables, how);
  }

  /** With the client built at the first delivery that needs it, as the function's other clients are. */
  public CommandBatchSync(Supplier<DynamoDbClient> dynamoDb, CommandTables tables, CommandSyncWrites how) {
    this.reads = new DataItemReads(dynamoDb, tables.data());
    TransactionWrites transactions = new TransactionWrites(dynamoDb, tables);
    ConditionalPutWrites puts = new ConditionalPutWrites(dynamoDb, tables);
    this.writes = switch (how) {
      case TRANSACTIONS -> transactions;
      case CONDITIONAL_PUTS -> puts;
      case AUTO -> new CapabilityWrites(transactions, puts);
    };
  }

  /** How the last writes were made: {@code transactions} or {@code conditional-puts}. */
  public String writes() {
    return writes.name();
  }

  /**
   * Syncs the commands of one delivery.
   *
   * @param commands command records of the command table, in stream order
   * @return the outcome of each command it settled, by index in {@code commands}; the others are left to
   *     {@link CommandSync#apply(ChangeRecord)}, one by one and in order (their entity's writes failed, or the
   *     image is not a command it can read, which {@code CommandSync} then reports)
   */
  public Map<Integer, SyncOutcome> applyAll(List<ChangeRecord> commands) {
    Map<EntityKey, List<EntityPlan.Command>> byEntity = new LinkedHashMap<>();
    Set<EntityKey> unreadable = new HashSet<>();
    for (int i = 0; i < commands.size(); i++) {
      ChangeRecord change = commands.get(i);
      EntityPlan.Command command;
      try {
        command = command(i, change.image());
      } catch (RuntimeException e) {
        // CommandSync says what is wrong with it; the entity's other commands wait with it, so none overtakes it.
        unreadable.add(new EntityKey(change.pk(), change.code()));
        continue;
      }
      byEntity.computeIfAbsent(command.key(), k -> new ArrayList<>()).add(command);
    }
    unreadable.forEach(byEntity::remove);
    Map<Integer, SyncOutcome> settled = new HashMap<>();
    Duration pause = FIRST_PAUSE;
    for (int round = 0; round < ROUNDS && !byEntity.isEmpty(); round++) {
      if (round > 0) {
        Pause.sleep(pause);
        pause = pause.multipliedBy(2);
      }
      Map<EntityKey, Map<String, AttributeValue>> current;
      Map<EntityKey, PlanWrites.Result> results;
      List<EntityPlan> plans = new ArrayList<>(byEntity.size());
      try {
        current = reads.read(new ArrayList<>(byEntity.keySet()));
        byEntity.forEach((key, list) -> plans.add(EntityPlan.of(key, current.get(key), list)));
        results = writes.write(plans);
      } catch (RuntimeException e) {
        // Nothing is known of this round: every entity is tried again, then left to the per-record sync.
        continue;
      }
      for (EntityPlan plan : plans) {
        if (results.get(plan.key()) == PlanWrites.Result.WRITTEN) {
          settled.putAll(plan.outcomes());
          byEntity.remove(plan.key());
        }
      }
    }
    return settled;
  }

  /** The data item a command becomes, as {@link CommandSync#apply(ObjectNode)} writes it. */
  private static EntityPlan.Command command(int index, ObjectNode image) {
    Map<String, AttributeValue> item = CommandSync.dataItem(image);
    AttributeValue version = item.get("version");
    long parsed = Long.parseLong(version.n());
    if (parsed < 0 || parsed > CommandKeys.MAX_VERSION) {
      throw new IllegalArgumentException("version " + parsed + " out of range");
    }
    return new EntityPlan.Command(index, new EntityKey(item.get("pk").s(), item.get("sk").s()), parsed, item);
  }
}
