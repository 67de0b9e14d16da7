package io.cqrssuite.verification.workload;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The final state the read models must reach, computed straight from the generated log and nothing else: per
 * product, its highest version; alive unless that version deleted it. TTL expiries change nothing. This is
 * deliberately independent of the suite's own code (no ChangeRecord, no dispatcher): it is the oracle.
 */
public record ExpectedState(Map<String, Entry> entities) {
  /** A product's last command. */
  public record Entry(String id, long version, boolean deleted, ObjectNode image) {}

  public static ExpectedState of(List<ProductCommand> log) {
    Map<String, Entry> last = new HashMap<>();
    for (ProductCommand command : log) {
      if (command.expiry()) {
        continue;
      }
      Entry current = last.get(command.id());
      if (current == null || command.version() > current.version()) {
        last.put(command.id(), new Entry(command.id(), command.version(), command.deleted(), command.image()));
      }
    }
    return new ExpectedState(Map.copyOf(last));
  }

  public long alive() {
    return entities.values().stream().filter(e -> !e.deleted()).count();
  }
}
