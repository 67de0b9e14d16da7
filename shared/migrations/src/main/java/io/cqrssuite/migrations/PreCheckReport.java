package io.cqrssuite.migrations;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.OptionalLong;

/**
 * What the pre-checks found, before anything was written.
 *
 * @param connectMillis how long connecting and a first query took, or -1 when it failed
 * @param pending the migrations Flyway would apply
 * @param lockHolders sessions holding locks on the affected tables in long-open transactions
 * @param freeBytes free storage, empty when unknown
 * @param tablesBytes the affected tables' size (data and indexes)
 * @param failures why the migration must not start; empty when it may
 */
public record PreCheckReport(
    long connectMillis, List<String> pending, List<LockHolder> lockHolders, OptionalLong freeBytes, long tablesBytes, List<String> failures) {
  public PreCheckReport {
    pending = List.copyOf(pending);
    lockHolders = List.copyOf(lockHolders);
    failures = List.copyOf(failures);
  }

  public boolean passed() {
    return failures.isEmpty();
  }

  public ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode json = mapper.createObjectNode();
    json.put("connectMillis", connectMillis);
    pending.forEach(json.putArray("pending")::add);
    var locks = json.putArray("lockHolders");
    lockHolders.forEach(h -> locks.addObject().put("session", h.session()).put("table", h.table()).put("lock", h.lock())
        .put("transactionSeconds", h.transactionSeconds()));
    if (freeBytes.isPresent()) {
      json.put("freeBytes", freeBytes.getAsLong());
    } else {
      json.put("freeBytes", "unknown");
    }
    json.put("tablesBytes", tablesBytes);
    failures.forEach(json.putArray("failures")::add);
    return json;
  }
}
