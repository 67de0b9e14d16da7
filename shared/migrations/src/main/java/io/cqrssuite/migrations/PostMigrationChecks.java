package io.cqrssuite.migrations;

import io.cqrssuite.sync.rds.RdsConnections;
import io.cqrssuite.sync.rds.RdsSchema;
import io.cqrssuite.sync.rds.RdsTableMapping;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

/**
 * What must hold once the migrations ran: Flyway's validate passes, every mapped table still has the columns its
 * mapping writes (sync-rds's own check, {@link RdsSchema#verify()}, on a fresh read of the schema), and no backed-up
 * table has fewer rows than its backup. Fewer, not different: the live sync keeps writing during a migration, and a
 * new entity's row is no loss, while a migration that drops rows is.
 */
public final class PostMigrationChecks {
  private final FlywayMigration flyway;
  private final RdsConnections connections;
  private final List<RdsTableMapping> mappings;
  private final EngineCatalog catalog;

  public PostMigrationChecks(FlywayMigration flyway, RdsConnections connections, List<RdsTableMapping> mappings) {
    this.flyway = flyway;
    this.connections = connections;
    this.mappings = List.copyOf(mappings);
    this.catalog = EngineCatalog.of(connections.dialect());
  }

  /**
   * @return what fails; empty when everything holds
   */
  public List<String> check(Backup backup) throws Exception {
    List<String> failures = new ArrayList<>();
    try {
      flyway.validate();
    } catch (RuntimeException e) {
      failures.add(e.getMessage());
    }
    if (!mappings.isEmpty()) {
      try {
        // A new RdsSchema: the sync's own copy keeps a table verified until a write fails on it.
        new RdsSchema(connections, mappings).verify();
      } catch (IllegalArgumentException e) {
        failures.add("a mapped table no longer fits its mapping: " + e.getMessage());
      }
    }
    try (RdsConnections.Lease lease = connections.borrow()) {
      Connection connection = lease.connection();
      List<String> live = catalog.baseTables(connection);
      for (Backup.TableCopy copy : backup.tables()) {
        if (copy.absent() || copy.table().equals(EngineCatalog.HISTORY)) {
          continue;
        }
        if (!live.contains(copy.table())) {
          failures.add("table " + copy.table() + " is gone (the backup holds " + copy.rows() + " rows)");
          continue;
        }
        long rows = TableRestorer.count(connection, catalog, copy.table());
        if (rows < copy.rows()) {
          failures.add("table " + copy.table() + " holds " + rows + " rows, the backup " + copy.rows());
        }
      }
      connection.commit();
    }
    return failures;
  }
}
