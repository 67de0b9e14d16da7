package io.cqrssuite.migrations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * PostgreSQL's catalog. A table is rebuilt from {@code pg_attribute} ({@code format_type}: the exact type, length
 * and precision included), {@code pg_attrdef} (defaults), {@code pg_constraint} (primary key, unique, check and
 * foreign keys, as {@code pg_get_constraintdef} prints them) and {@code pg_index} (the other indexes). Values travel
 * as the engine's own text and come back through {@code CAST(? AS <type>)}, which every type (jsonb, timestamptz with
 * its offset, numeric, bytea's hex, arrays) reads back exactly.
 *
 * <p>Not rebuilt: identity and serial columns' sequences (dropping the table drops a sequence it owns), triggers,
 * row-level security, comments and grants. Read-model tables have none of them.
 */
final class PostgresCatalog implements EngineCatalog {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @Override
  public String name() {
    return "postgresql";
  }

  @Override
  public String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  @Override
  public void prepareSession(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET TIME ZONE 'UTC'");
    }
  }

  @Override
  public List<String> baseTables(Connection connection) throws SQLException {
    List<String> tables = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
                + " AND table_type = 'BASE TABLE' ORDER BY table_name")) {
      while (rows.next()) {
        tables.add(rows.getString(1));
      }
    }
    return tables;
  }

  @Override
  public Optional<TableDefinition> definition(Connection connection, String table) throws SQLException {
    Long oid = null;
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT to_regclass(quote_ident(current_schema()) || '.' || quote_ident(?))::oid")) {
      statement.setString(1, table);
      try (ResultSet rows = statement.executeQuery()) {
        if (rows.next()) {
          long value = rows.getLong(1);
          oid = rows.wasNull() ? null : value;
        }
      }
    }
    if (oid == null) {
      return Optional.empty();
    }
    List<TableDefinition.Column> columns = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull, pg_get_expr(d.adbin, d.adrelid)"
            + " FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
            + " WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
      statement.setLong(1, oid);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          columns.add(new TableDefinition.Column(rows.getString(1), rows.getString(2), rows.getBoolean(3), rows.getString(4), false));
        }
      }
    }
    List<String> constraints = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = ?"
            + " ORDER BY CASE contype WHEN 'p' THEN 0 WHEN 'u' THEN 1 WHEN 'c' THEN 2 ELSE 3 END, conname")) {
      statement.setLong(1, oid);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          constraints.add("CONSTRAINT " + quote(rows.getString(1)) + " " + rows.getString(2));
        }
      }
    }
    List<String> indexes = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = ?"
            + " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)"
            + " ORDER BY i.indexrelid")) {
      statement.setLong(1, oid);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          indexes.add(rows.getString(1));
        }
      }
    }
    List<TableDefinition.View> views = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT DISTINCT v.relname, pg_get_viewdef(v.oid) FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid"
            + " JOIN pg_class v ON v.oid = r.ev_class WHERE d.refobjid = ? AND v.relkind = 'v' AND v.oid <> ?"
            + " ORDER BY v.relname")) {
      statement.setLong(1, oid);
      statement.setLong(2, oid);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          views.add(new TableDefinition.View(rows.getString(1), rows.getString(2)));
        }
      }
    }
    return Optional.of(new TableDefinition(table, columns, constraints, indexes, null, views));
  }

  /** PostgreSQL restores in place, inside one transaction: {@code as} is always the table's own name. */
  @Override
  public List<String> createStatements(TableDefinition definition, String as) {
    if (!as.equals(definition.table())) {
      throw new IllegalArgumentException("PostgreSQL restores a table under its own name, not as " + as);
    }
    List<String> parts = new ArrayList<>();
    for (TableDefinition.Column column : definition.columns()) {
      parts.add(quote(column.name()) + " " + column.type()
          + (column.defaultValue() == null ? "" : " DEFAULT " + column.defaultValue())
          + (column.nullable() ? "" : " NOT NULL"));
    }
    parts.addAll(definition.constraints());
    List<String> statements = new ArrayList<>();
    statements.add("CREATE TABLE " + quote(as) + " (" + String.join(", ", parts) + ")");
    statements.addAll(definition.indexes());
    return statements;
  }

  @Override
  public String insertSql(TableDefinition definition, String into) {
    String columns = definition.columns().stream().map(c -> quote(c.name())).collect(Collectors.joining(", "));
    String values = definition.columns().stream().map(c -> "CAST(? AS " + c.type() + ")").collect(Collectors.joining(", "));
    return "INSERT INTO " + quote(into) + " (" + columns + ") VALUES (" + values + ")";
  }

  /** The column itself: over the text protocol {@code getString} is the server's own output for every type. */
  @Override
  public String selectExpression(TableDefinition.Column column) {
    return quote(column.name());
  }

  @Override
  public JsonNode readValue(ResultSet rows, int index, TableDefinition.Column column) throws SQLException {
    String value = rows.getString(index);
    return value == null ? NODES.nullNode() : NODES.textNode(value);
  }

  @Override
  public void bind(PreparedStatement statement, int index, TableDefinition.Column column, JsonNode value) throws SQLException {
    if (value == null || value.isNull()) {
      statement.setNull(index, Types.VARCHAR);
    } else {
      statement.setString(index, value.asText());
    }
  }

  @Override
  public List<LockHolder> lockHolders(Connection connection, List<String> tables, Duration olderThan) throws SQLException {
    List<LockHolder> holders = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT DISTINCT a.pid, c.relname, l.mode, floor(extract(epoch FROM now() - a.xact_start))::bigint"
            + " FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_stat_activity a ON a.pid = l.pid"
            + " WHERE l.granted AND n.nspname = current_schema() AND c.relname = ANY (?) AND a.pid <> pg_backend_pid()"
            + " AND a.xact_start <= now() - make_interval(secs => ?) ORDER BY a.pid, c.relname")) {
      Array names = connection.createArrayOf("text", tables.toArray());
      statement.setArray(1, names);
      statement.setDouble(2, olderThan.toMillis() / 1000.0);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          holders.add(new LockHolder(Long.toString(rows.getLong(1)), rows.getString(2), rows.getString(3), rows.getLong(4)));
        }
      }
    }
    return holders;
  }

  @Override
  public long tablesBytes(Connection connection, List<String> tables) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT coalesce(sum(pg_total_relation_size(to_regclass(quote_ident(current_schema()) || '.' || quote_ident(t)))), 0)"
            + " FROM unnest(?) AS t")) {
      statement.setArray(1, connection.createArrayOf("text", tables.toArray()));
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  /** Plain {@code SET} (not {@code LOCAL}): Flyway runs it once per connection, for the session. Milliseconds. */
  @Override
  public String timeoutSql(Duration lock, Duration statement) {
    return "SET lock_timeout = " + Math.max(1, lock.toMillis()) + "; SET statement_timeout = " + Math.max(1, statement.toMillis());
  }
}
