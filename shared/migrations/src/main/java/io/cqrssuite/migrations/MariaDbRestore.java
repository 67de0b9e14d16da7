package io.cqrssuite.migrations;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * MariaDB commits every DDL statement on its own, so a restore cannot be one transaction. It goes in an order in
 * which a crash at any step leaves every live table either the failed one or the restored one, never missing or
 * half-loaded, and in which running the restore again finishes the job:
 *
 * <ol>
 *   <li>for each table (Flyway's history included): drop a leftover {@code <t>__restore} (never live), create it from
 *       the backup's {@code SHOW CREATE TABLE}, load the rows, commit and count them against the backup's. A count
 *       that differs stops here: the shadow is dropped and nothing live was touched;
 *   <li>drop leftover {@code <t>__failed} copies (of an earlier restore that crashed after its swap);
 *   <li>one {@code RENAME TABLE t TO t__failed, t__restore TO t, ...} for every table at once: MariaDB renames
 *       atomically, so the tables and the history go live together, and a live table is never absent;
 *   <li>drop the {@code __failed} copies, then the tables that did not exist at backup time.
 * </ol>
 *
 * The live sync keeps writing into the failed tables until step 3; what it wrote there is lost with them, which is
 * why the pipeline resyncs from the source since the backup started.
 */
final class MariaDbRestore implements TableRestorer {
  static final String RESTORE_SUFFIX = "__restore";
  static final String FAILED_SUFFIX = "__failed";

  private final EngineCatalog catalog;
  private final ObjectMapper mapper;

  MariaDbRestore(EngineCatalog catalog, ObjectMapper mapper) {
    this.catalog = catalog;
    this.mapper = mapper;
  }

  @Override
  public void restore(Connection connection, List<TableImage> images, List<String> toDrop) throws Exception {
    connection.setAutoCommit(false);
    catalog.prepareSession(connection);
    for (TableImage image : images) {
      String shadow = image.table() + RESTORE_SUFFIX;
      TableRestorer.execute(connection, "DROP TABLE IF EXISTS " + catalog.quote(shadow));
      for (String sql : catalog.createStatements(image.definition(), shadow)) {
        TableRestorer.execute(connection, sql);
      }
      try {
        TableRestorer.load(connection, catalog, mapper, image, shadow);
        connection.commit();
      } catch (Exception e) {
        connection.rollback();
        TableRestorer.execute(connection, "DROP TABLE IF EXISTS " + catalog.quote(shadow));
        throw e;
      }
    }
    Set<String> live = new HashSet<>(catalog.baseTables(connection));
    List<String> renames = new ArrayList<>();
    for (TableImage image : images) {
      String table = image.table();
      TableRestorer.execute(connection, "DROP TABLE IF EXISTS " + catalog.quote(table + FAILED_SUFFIX));
      if (live.contains(table)) {
        renames.add(catalog.quote(table) + " TO " + catalog.quote(table + FAILED_SUFFIX));
      }
      renames.add(catalog.quote(table + RESTORE_SUFFIX) + " TO " + catalog.quote(table));
    }
    if (!renames.isEmpty()) {
      TableRestorer.execute(connection, "RENAME TABLE " + String.join(", ", renames));
    }
    for (TableImage image : images) {
      TableRestorer.execute(connection, "DROP TABLE IF EXISTS " + catalog.quote(image.table() + FAILED_SUFFIX));
    }
    for (String table : toDrop) {
      TableRestorer.execute(connection, "DROP TABLE IF EXISTS " + catalog.quote(table));
    }
  }
}
