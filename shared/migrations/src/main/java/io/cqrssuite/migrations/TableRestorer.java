package io.cqrssuite.migrations;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Puts backed-up tables (Flyway's history among them) back in place of the live ones, the way the engine allows it
 * safely: PostgreSQL in one transaction ({@link PostgresRestore}), MariaDB through shadow tables swapped in by one
 * atomic {@code RENAME TABLE} ({@link MariaDbRestore}). Either way a table's rows are counted against the backup's
 * before it goes live.
 */
sealed interface TableRestorer permits PostgresRestore, MariaDbRestore {
  int BATCH = 500;

  static TableRestorer of(EngineCatalog catalog, ObjectMapper mapper) {
    return catalog instanceof PostgresCatalog ? new PostgresRestore(catalog, mapper) : new MariaDbRestore(catalog, mapper);
  }

  /**
   * Restores {@code images} and drops {@code toDrop} (tables that did not exist at backup time).
   *
   * @throws IllegalStateException when a restored table's count differs from its backup's (nothing went live)
   */
  void restore(Connection connection, List<TableImage> images, List<String> toDrop) throws Exception;

  /** Inserts the image's rows into {@code into} in batches and returns how many rows {@code into} then holds. */
  static long load(Connection connection, EngineCatalog catalog, ObjectMapper mapper, TableImage image, String into)
      throws Exception {
    TableDefinition definition = image.definition();
    try (PreparedStatement insert = connection.prepareStatement(catalog.insertSql(definition, into))) {
      int[] pending = {0};
      image.forEachRow(mapper, row -> {
        for (int i = 0; i < row.size(); i++) {
          catalog.bind(insert, i + 1, definition.columns().get(i), row.get(i));
        }
        insert.addBatch();
        if (++pending[0] == BATCH) {
          insert.executeBatch();
          pending[0] = 0;
        }
      });
      if (pending[0] > 0) {
        insert.executeBatch();
      }
    }
    long count = count(connection, catalog, into);
    if (count != image.rows()) {
      throw new IllegalStateException(
          "restoring table " + image.table() + ": " + count + " rows were loaded, the backup holds " + image.rows()
              + "; the live table was left as it was");
    }
    return count;
  }

  static long count(Connection connection, EngineCatalog catalog, String table) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + catalog.quote(table))) {
      rows.next();
      return rows.getLong(1);
    }
  }

  static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
