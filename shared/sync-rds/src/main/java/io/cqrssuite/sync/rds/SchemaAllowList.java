package io.cqrssuite.sync.rds;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The base tables and columns of the live schema, read once from {@code information_schema}: the allow-list
 * against which configured identifiers are checked before they reach SQL text (contract §7). A name passes only
 * if it has the {@link SqlIdentifier} shape <em>and</em> exists here.
 */
final class SchemaAllowList {
  private final Map<String, Map<String, ColumnInfo>> tables;

  private SchemaAllowList(Map<String, Map<String, ColumnInfo>> tables) {
    this.tables = tables;
  }

  static SchemaAllowList read(Connection connection, SqlDialect dialect) throws SQLException {
    Map<String, Map<String, ColumnInfo>> tables = new HashMap<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(dialect.schemaColumnsSql())) {
      while (rows.next()) {
        String table = rows.getString(1);
        String column = rows.getString(2);
        long length = rows.getLong(4);
        Long maxCharacters = rows.wasNull() || length <= 0 ? null : length;
        tables.computeIfAbsent(table, t -> new HashMap<>()).put(column, new ColumnInfo(column, rows.getString(3), maxCharacters));
      }
    } finally {
      connection.rollback();
    }
    return new SchemaAllowList(tables);
  }

  /**
   * Checks the mapping's table and every column it writes (fixed and mapped).
   *
   * @throws IllegalArgumentException naming the first identifier that is not in the live schema
   */
  VerifiedTable verify(RdsTableMapping mapping, SqlDialect dialect) {
    String table = SqlIdentifier.require(mapping.table(), "table");
    Map<String, ColumnInfo> columns = tables.get(table);
    if (columns == null) {
      throw new IllegalArgumentException(
          "refused SQL table name '" + table + "': no such base table in the current schema (found "
              + new TreeSet<>(tables.keySet()) + "); run the migrations first?");
    }
    RowLayout layout = RowLayout.of(mapping);
    List<String> missing = new ArrayList<>();
    for (String column : layout.columnNames()) {
      SqlIdentifier.require(column, "column");
      if (!columns.containsKey(column)) {
        missing.add(column);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "refused SQL column name" + (missing.size() == 1 ? " '" + missing.get(0) + "'" : "s " + missing)
              + ": not a column of table '" + table + "' in the current schema");
    }
    return new VerifiedTable(mapping, layout, columns, dialect.upsertSql(layout));
  }
}
