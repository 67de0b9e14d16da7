package io.cqrssuite.command;

import io.cqrssuite.sync.SyncOutcome;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What one entity's commands of a delivery come to against the data item as read: the per-record steps of
 * {@link CommandSync} played in stream order on that state, so each command gets the outcome it would have got
 * alone, but the data table is written once, with the last state, guarded by the version that was read. Every
 * state the commands replace, and every command older than the state it meets, is archived; history puts are
 * deduplicated by version (a transaction may not touch one item twice, and a version's content never changes).
 *
 * @param history the history items to put ({@code attribute_not_exists(pk)}), in order
 * @param data the data put, {@code null} when the commands change nothing there (duplicates, late versions)
 * @param outcomes each command's outcome, by its index in the delivery's command list
 */
record EntityPlan(EntityKey key, List<Map<String, AttributeValue>> history, DataPut data, Map<Integer, SyncOutcome> outcomes) {
  /** One command of the delivery: its index there, entity, version and the data item it becomes. */
  record Command(int index, EntityKey key, long version, Map<String, AttributeValue> item) {}

  /** The data put and its guard: the item must still be as it was read. */
  record DataPut(Map<String, AttributeValue> item, String condition, Map<String, AttributeValue> values) {}

  static final String HISTORY_CONDITION = "attribute_not_exists(pk)";

  /** The number of writes the plan makes. */
  int writes() {
    return history.size() + (data == null ? 0 : 1);
  }

  /**
   * @param current the data item as read (consistent), {@code null} when there is none
   * @param commands the entity's commands, in stream order
   */
  static EntityPlan of(EntityKey key, Map<String, AttributeValue> current, List<Command> commands) {
    Map<Long, Map<String, AttributeValue>> history = new LinkedHashMap<>();
    Map<Integer, SyncOutcome> outcomes = new LinkedHashMap<>();
    Map<String, AttributeValue> state = current;
    Long stored = versionOf(current);
    boolean changed = false;
    for (Command command : commands) {
      if (state != null && stored != null && stored == command.version()) {
        outcomes.put(command.index(), SyncOutcome.DUPLICATE);
      } else if (state != null && stored != null && stored > command.version()) {
        history.putIfAbsent(command.version(), archived(command.item(), key.code(), command.version()));
        outcomes.put(command.index(), new SyncOutcome.Stale(stored));
      } else {
        if (state != null && stored != null) {
          history.putIfAbsent(stored, archived(state, key.code(), stored));
        }
        state = command.item();
        stored = command.version();
        changed = true;
        outcomes.put(command.index(), SyncOutcome.APPLIED);
      }
    }
    DataPut data = null;
    if (changed) {
      AttributeValue seen = current == null ? null : current.get("version");
      if (current == null) {
        data = new DataPut(state, "attribute_not_exists(pk)", null);
      } else if (versionOf(current) == null) {
        data = new DataPut(state, "attribute_not_exists(#version)", null);
      } else {
        data = new DataPut(state, "#version = :seen", Map.of(":seen", seen));
      }
    }
    return new EntityPlan(key, List.copyOf(history.values()), data, outcomes);
  }

  private static Map<String, AttributeValue> archived(Map<String, AttributeValue> state, String code, long version) {
    Map<String, AttributeValue> item = new HashMap<>(state);
    item.remove("ttl");
    item.put("sk", AttributeValue.fromS(CommandKeys.versioned(code, version)));
    return item;
  }

  private static Long versionOf(Map<String, AttributeValue> item) {
    AttributeValue value = item == null ? null : item.get("version");
    return value == null || value.n() == null ? null : Long.valueOf(value.n());
  }

  /** The expression attribute names a condition needs, {@code null} for none. */
  static Map<String, String> names(String condition) {
    return condition.contains("#version") ? Map.of("#version", "version") : null;
  }
}
