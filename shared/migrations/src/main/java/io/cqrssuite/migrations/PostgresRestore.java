package io.cqrssuite.migrations;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.util.List;

/**
 * PostgreSQL's DDL is transactional, so the whole restore is one transaction: drop the views over the tables and the
 * failed tables, create them
 * from the backup's definitions, load and count their rows, put Flyway's history back, create the views again,
 * drop what the failed migration created; then commit. A failure anywhere (a count that differs, a lock that times out, a crash) rolls it all back:
 * the database is left exactly as the failed migration left it, and the restore can simply run again.
 */
final class PostgresRestore implements TableRestorer {
  private final EngineCatalog catalog;
  private final ObjectMapper mapper;

  PostgresRestore(EngineCatalog catalog, ObjectMapper mapper) {
    this.catalog = catalog;
    this.mapper = mapper;
  }

  @Override
  public void restore(Connection connection, List<TableImage> images, List<String> toDrop) throws Exception {
    connection.setAutoCommit(false);
    try {
      catalog.prepareSession(connection);
      // Views over the tables first: DROP TABLE refuses to leave them behind. They come back after every table.
      for (TableImage image : images) {
        for (TableDefinition.View view : image.definition().views()) {
          TableRestorer.execute(connection, "DROP VIEW IF EXISTS " + catalog.quote(view.name()));
        }
      }
      for (String table : toDrop) {
        TableRestorer.execute(connection, "DROP TABLE IF EXISTS " + catalog.quote(table));
      }
      for (TableImage image : images) {
        TableRestorer.execute(connection, "DROP TABLE IF EXISTS " + catalog.quote(image.table()));
        for (String sql : catalog.createStatements(image.definition(), image.table())) {
          TableRestorer.execute(connection, sql);
        }
        TableRestorer.load(connection, catalog, mapper, image, image.table());
      }
      java.util.Set<String> created = new java.util.HashSet<>();
      for (TableImage image : images) {
        for (TableDefinition.View view : image.definition().views()) {
          if (created.add(view.name())) {
            TableRestorer.execute(connection, "CREATE VIEW " + catalog.quote(view.name()) + " AS " + view.query());
          }
        }
      }
      connection.commit();
    } catch (Exception e) {
      connection.rollback();
      throw e;
    }
  }
}
