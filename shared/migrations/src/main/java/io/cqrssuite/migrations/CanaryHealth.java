package io.cqrssuite.migrations;

import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.reconcile.ReconcileTarget;
import io.cqrssuite.reconcile.StoredEntity;
import io.cqrssuite.sync.SyncOutcome;
import io.cqrssuite.sync.rds.RdsConnections;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes one change with a reserved id ({@code <pk>#}{@value #CANARY_CODE}) through the live sync's version-guarded
 * write, reads it back (version and content hash), then deletes its row: healthy when the sync can still write the
 * migrated table as it did before. It catches what validate cannot see, such as a new {@code NOT NULL} column the sync
 * does not fill. The canary's version is the clock's milliseconds, so a leftover of an earlier run never holds it back.
 * Readers of the read model may see the canary row for the moment it exists: {@value #CANARY_CODE} is reserved.
 */
public final class CanaryHealth implements HealthCheck {
  public static final String CANARY_CODE = "__migration_canary__";
  private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private final ReconcileTarget target;
  private final RdsConnections connections;
  private final String table;
  private final ChangeRecord template;
  private final Clock clock;

  /**
   * @param target the mapped table's reconcile target (its {@code sync} is the live sync)
   * @param table that table, where the canary row is deleted afterwards
   * @param template a change the table's mapping takes (its source table, partition key and image); its code, id and
   *     version are replaced by the canary's
   */
  public CanaryHealth(ReconcileTarget target, RdsConnections connections, String table, ChangeRecord template, Clock clock) {
    if (!TABLE.matcher(table).matches()) {
      throw new IllegalArgumentException("the canary's table '" + table + "' is not a plain lower-case identifier");
    }
    this.target = target;
    this.connections = connections;
    this.table = table;
    this.template = template;
    this.clock = clock;
  }

  @Override
  public Health check() throws Exception {
    String id = ChangeRecord.idOf(template.pk(), CANARY_CODE);
    long version = clock.millis();
    ChangeRecord canary = new ChangeRecord(
        template.table(), template.pk(), CANARY_CODE, id, version, false, template.image(), template.type());
    if (!target.accepts(canary)) {
      throw new IllegalArgumentException("the canary template's change is not one " + target.name() + " takes");
    }
    try {
      SyncOutcome outcome = target.sync(List.of(canary)).get(0);
      if (outcome instanceof SyncOutcome.Failed failed) {
        return Health.failed("the canary could not be written to " + target.name() + ": " + MigrationFailure.describe(failed.error()));
      }
      Map<String, StoredEntity> stored = target.read(List.of(id));
      StoredEntity copy = stored.get(id);
      if (copy == null || copy.version() != version || copy.deleted()) {
        return Health.failed("the canary written to " + target.name() + " did not read back at version " + version + ": " + copy);
      }
      if (!target.contentHash(canary).equals(copy.contentHash())) {
        return Health.failed("the canary read back from " + target.name() + " with other content than was written");
      }
      return Health.ok("a canary was written to and read back from " + target.name());
    } finally {
      remove(id);
    }
  }

  private void remove(String id) throws Exception {
    EngineCatalog catalog = EngineCatalog.of(connections.dialect());
    try (RdsConnections.Lease lease = connections.borrow();
        PreparedStatement delete = lease.connection().prepareStatement("DELETE FROM " + catalog.quote(table) + " WHERE id = ?")) {
      delete.setString(1, id);
      delete.executeUpdate();
      lease.connection().commit();
    }
  }
}
