package io.cqrssuite.example.catalog;

import io.cqrssuite.bus.EventHandler;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.event.DataChangeEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.inject.Inject;

/**
 * Normalises every product change from the command and data tables' streams to a {@link ChangeRecord} (semantics
 * §1): upsert or delete at a version, or housekeeping that changes no entity (TTL expiry, command-table REMOVE).
 * A change without pk, code or version is rejected here with the attribute at fault. The read-model writers
 * (PostgreSQL, OpenSearch) consume exactly this record.
 */
public final class ProductChangeHandler implements EventHandler<DataChangeEvent> {
  @Inject
  public ProductChangeHandler() {}

  @Override
  public Class<DataChangeEvent> eventType() {
    return DataChangeEvent.class;
  }

  @Override
  public Map<String, Object> handle(DataChangeEvent event) {
    Optional<ChangeRecord> change = event.change();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("table", event.tableName());
    if (change.isEmpty()) {
      result.put("action", "SKIP");
      result.put("why", event.removedByTtl() ? "TTL expiry" : "no entity change on a " + event.tableKind() + " table");
      return result;
    }
    ChangeRecord record = change.get();
    result.put("action", record.deleted() ? "DELETE" : "UPSERT");
    result.put("id", record.id());
    result.put("version", record.version());
    return result;
  }
}
