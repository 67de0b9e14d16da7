package io.cqrssuite.migrations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * MySQL/MariaDB's catalog: the table's own {@code SHOW CREATE TABLE} statement (columns, keys, indexes, checks,
 * engine and character set as they are), with the columns from {@code information_schema.columns}. Values travel as
 * the server's text, binary columns as base64; the session runs in UTC so {@code TIMESTAMP} text is the same instant
 * on the way back.
 *
 * <p>A restore creates {@code <table>__restore} from the statement: a foreign key's name is unique per database, so a
 * table with foreign keys cannot be restored beside itself (read-model tables have none); MySQL 8 names check
 * constraints per database too, which is why this is tested on MariaDB, whose check names are per table.
 */
final class MariaDbCatalog implements EngineCatalog {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Set<String> BINARY =
      Set.of("binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "bit");

  @Override
  public String name() {
    return "mariadb";
  }

  @Override
  public String quote(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }

  @Override
  public void prepareSession(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET SESSION time_zone = '+00:00'");
    }
  }

  @Override
  public List<String> baseTables(Connection connection) throws SQLException {
    List<String> tables = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()"
                + " AND table_type = 'BASE TABLE' ORDER BY table_name")) {
      while (rows.next()) {
        tables.add(rows.getString(1));
      }
    }
    return tables;
  }

  @Override
  public Optional<TableDefinition> definition(Connection connection, String table) throws SQLException {
    List<TableDefinition.Column> columns = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT column_name, column_type, is_nullable = 'YES', column_default, data_type FROM information_schema.columns"
            + " WHERE table_schema = DATABASE() AND table_name = ? ORDER BY ordinal_position")) {
      statement.setString(1, table);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          columns.add(new TableDefinition.Column(
              rows.getString(1), rows.getString(2), rows.getBoolean(3), rows.getString(4),
              BINARY.contains(rows.getString(5).toLowerCase(Locale.ROOT))));
        }
      }
    }
    if (columns.isEmpty()) {
      return Optional.empty();
    }
    String createSql;
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SHOW CREATE TABLE " + quote(table))) {
      rows.next();
      createSql = rows.getString(2);
    }
    return Optional.of(new TableDefinition(table, columns, List.of(), List.of(), createSql, List.of()));
  }

  /** The table's own statement under the name {@code as}: only its leading name changes. */
  @Override
  public List<String> createStatements(TableDefinition definition, String as) {
    String head = "CREATE TABLE " + quote(definition.table());
    String sql = definition.createSql();
    if (sql == null || !sql.startsWith(head)) {
      throw new IllegalStateException(
          "the backup of table " + definition.table() + " holds no usable CREATE TABLE statement (it should start with " + head + ")");
    }
    return List.of("CREATE TABLE " + quote(as) + sql.substring(head.length()));
  }

  @Override
  public String insertSql(TableDefinition definition, String into) {
    String columns = definition.columns().stream().map(c -> quote(c.name())).collect(Collectors.joining(", "));
    String values = definition.columns().stream().map(c -> "?").collect(Collectors.joining(", "));
    return "INSERT INTO " + quote(into) + " (" + columns + ") VALUES (" + values + ")";
  }

  /**
   * {@code CAST(column AS CHAR)}: the server's text. The driver's {@code getString} of a {@code DATETIME(3)} was seen
   * to drop a fraction's leading zero ({@code .049} read back as {@code .49}), so temporal (and every other non-binary)
   * value is formatted by the server.
   */
  @Override
  public String selectExpression(TableDefinition.Column column) {
    return column.binary() ? quote(column.name()) : "CAST(" + quote(column.name()) + " AS CHAR)";
  }

  @Override
  public JsonNode readValue(ResultSet rows, int index, TableDefinition.Column column) throws SQLException {
    if (column.binary()) {
      byte[] bytes = rows.getBytes(index);
      return bytes == null ? NODES.nullNode() : NODES.textNode(Base64.getEncoder().encodeToString(bytes));
    }
    String value = rows.getString(index);
    return value == null ? NODES.nullNode() : NODES.textNode(value);
  }

  @Override
  public void bind(PreparedStatement statement, int index, TableDefinition.Column column, JsonNode value) throws SQLException {
    if (value == null || value.isNull()) {
      statement.setNull(index, column.binary() ? Types.VARBINARY : Types.VARCHAR);
    } else if (column.binary()) {
      statement.setBytes(index, Base64.getDecoder().decode(value.asText()));
    } else {
      statement.setString(index, value.asText());
    }
  }

  /**
   * With the {@code metadata_lock_info} plugin, the sessions holding metadata locks on the tables (any statement in
   * an open transaction keeps one until it ends, and DDL needs an exclusive one); without it (the default), every
   * session of this database whose InnoDB transaction has been open that long, its table unknown.
   */
  @Override
  public List<LockHolder> lockHolders(Connection connection, List<String> tables, Duration olderThan) throws SQLException {
    long seconds = Math.max(0, olderThan.toSeconds());
    String in = tables.stream().map(t -> "?").collect(Collectors.joining(", "));
    List<LockHolder> holders = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT m.thread_id, m.table_name, m.lock_mode, TIMESTAMPDIFF(SECOND, t.trx_started, NOW())"
            + " FROM information_schema.metadata_lock_info m"
            + " JOIN information_schema.innodb_trx t ON t.trx_mysql_thread_id = m.thread_id"
            + " WHERE m.table_schema = DATABASE() AND m.table_name IN (" + in + ") AND m.thread_id <> CONNECTION_ID()"
            + " AND t.trx_started <= NOW() - INTERVAL ? SECOND")) {
      int i = 1;
      for (String table : tables) {
        statement.setString(i++, table);
      }
      statement.setLong(i, seconds);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          holders.add(new LockHolder(rows.getString(1), rows.getString(2), rows.getString(3), rows.getLong(4)));
        }
      }
      return holders;
    } catch (SQLException e) {
      if (e.getErrorCode() != 1109) {
        throw e;
      }
      // 1109, unknown table: the plugin is not installed.
    }
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT t.trx_mysql_thread_id, t.trx_state, TIMESTAMPDIFF(SECOND, t.trx_started, NOW())"
            + " FROM information_schema.innodb_trx t JOIN information_schema.processlist p ON p.id = t.trx_mysql_thread_id"
            + " WHERE p.db = DATABASE() AND t.trx_mysql_thread_id <> CONNECTION_ID()"
            + " AND t.trx_started <= NOW() - INTERVAL ? SECOND")) {
      statement.setLong(1, seconds);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          holders.add(new LockHolder(rows.getString(1), "unknown", "transaction " + rows.getString(2), rows.getLong(3)));
        }
      }
    }
    return holders;
  }

  @Override
  public long tablesBytes(Connection connection, List<String> tables) throws SQLException {
    String in = tables.stream().map(t -> "?").collect(Collectors.joining(", "));
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT coalesce(sum(data_length + index_length), 0) FROM information_schema.tables"
            + " WHERE table_schema = DATABASE() AND table_name IN (" + in + ")")) {
      int i = 1;
      for (String table : tables) {
        statement.setString(i++, table);
      }
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  /**
   * Whole seconds, at least 1, for the lock waits (metadata locks: {@code lock_wait_timeout}; row locks:
   * {@code innodb_lock_wait_timeout}). {@code max_statement_time} exists on MariaDB only: it sits in a
   * {@code /*M!} comment, which MariaDB runs and MySQL skips.
   */
  @Override
  public String timeoutSql(Duration lock, Duration statement) {
    long lockSeconds = Math.max(1, (lock.toMillis() + 999) / 1000);
    String statementSeconds = String.format(Locale.ROOT, "%.3f", Math.max(1, statement.toMillis()) / 1000.0);
    return "SET SESSION lock_wait_timeout = " + lockSeconds + ", innodb_lock_wait_timeout = " + lockSeconds
        + " /*M!100108 , max_statement_time = " + statementSeconds + " */";
  }
}
