package io.cqrssuite.sync.rds;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * MySQL and MariaDB: {@code ON DUPLICATE KEY UPDATE col = IF(<guard>, VALUES(col), col)} for every column, with
 * {@code is_deleted} and then {@code version} assigned last, since assignments run left to right and the guard
 * must read the stored values (contract §2). MariaDB has no row-alias syntax ({@code AS new}), so
 * {@code VALUES(col)} names the incoming value.
 *
 * <p>Driver settings the sync relies on: {@code useAffectedRows=true}, so a held-back row reports 0 instead of
 * the rows it matched; no bulk protocol ({@code useBulkStmts}, {@code useBulkStmtsForInserts}), whose batches
 * answer {@code SUCCESS_NO_INFO} instead of a count per row. Timestamps are {@code DATETIME(3)} in UTC; JSON is
 * {@code JSON} ({@code LONGTEXT} with a validity check). The session runs in strict mode, so a value that does not
 * fit is an error, never a silent truncation.
 */
final class MariaDbDialect implements SqlDialect {
  private static final String GUARD =
      "(VALUES(version) > version OR (VALUES(version) = version AND VALUES(is_deleted) AND NOT is_deleted))";

  @Override
  public String name() {
    return "mariadb";
  }

  @Override
  public int defaultPort() {
    return 3306;
  }

  @Override
  public Driver driver() {
    return new org.mariadb.jdbc.Driver();
  }

  @Override
  public Properties connectionProperties() {
    Properties properties = new Properties();
    properties.setProperty("useAffectedRows", "true");
    properties.setProperty("useBulkStmts", "false");
    properties.setProperty("useBulkStmtsForInserts", "false");
    properties.setProperty("permitMysqlScheme", "true");
    return properties;
  }

  @Override
  public List<String> sessionSetup() {
    return List.of("SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ',STRICT_ALL_TABLES')");
  }

  @Override
  public void limitConnect(Properties properties, Duration timeout) {
    String millis = Long.toString(Math.max(1, timeout.toMillis()));
    properties.setProperty("connectTimeout", millis);
    properties.setProperty("socketTimeout", millis);
  }

  /**
   * Session variables, set again before every transaction with the time left then: MariaDB has no {@code SET LOCAL},
   * and its per-statement form ({@code SET STATEMENT ... FOR}) would change the upsert's text with every budget and
   * is a syntax error on MySQL. {@code max_statement_time} (seconds, fractional) exists on MariaDB only; MySQL's
   * {@code max_execution_time} covers {@code SELECT} alone, so on MySQL the network timeout bounds the statement.
   * The lock waits are whole seconds, at least 1.
   */
  @Override
  public boolean limitSession(Connection connection, Duration timeout) throws SQLException {
    long lockSeconds = Math.max(1, timeout.toSeconds());
    String locks = "lock_wait_timeout = " + lockSeconds + ", innodb_lock_wait_timeout = " + lockSeconds;
    boolean mariaDb = connection.getMetaData().getDatabaseProductVersion().toLowerCase(Locale.ROOT).contains("mariadb");
    String statementSeconds = String.format(Locale.ROOT, "%.3f", Math.max(1, timeout.toMillis()) / 1000.0);
    String sql = mariaDb ? "SET SESSION max_statement_time = " + statementSeconds + ", " + locks : "SET SESSION " + locks;
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
    // SET SESSION is not transactional in MySQL/MariaDB: a rollback keeps it.
    return true;
  }

  @Override
  public String upsertSql(RowLayout layout) {
    String columns = String.join(", ", layout.columnNames());
    String values = layout.slots().stream().map(slot -> "?").collect(Collectors.joining(", "));
    String assignments =
        layout.columnNames().stream()
            .filter(column -> !column.equals("id"))
            .map(column -> column + " = IF(" + GUARD + ", VALUES(" + column + "), " + column + ")")
            .collect(Collectors.joining(", "));
    return "INSERT INTO " + layout.table() + " (" + columns + ") VALUES (" + values + ")"
        + " ON DUPLICATE KEY UPDATE " + assignments;
  }

  @Override
  public String schemaColumnsSql() {
    return "SELECT c.table_name, c.column_name, c.data_type, c.character_maximum_length"
        + " FROM information_schema.columns c JOIN information_schema.tables t"
        + " ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
        + " WHERE t.table_type = 'BASE TABLE' AND c.table_schema = DATABASE()";
  }

  /** MariaDB truncates to the column's precision (MySQL rounds, unless TIME_TRUNCATE_FRACTIONAL is set). */
  @Override
  public Instant asStored(Instant value) {
    return value.truncatedTo(ChronoUnit.MICROS);
  }

  @Override
  public Instant readTimestamp(ResultSet rows, String column) throws SQLException {
    LocalDateTime value = rows.getObject(column, LocalDateTime.class);
    return value == null ? null : value.toInstant(ZoneOffset.UTC);
  }

  @Override
  public void bind(PreparedStatement statement, int index, RdsColumnType type, Object value) throws SQLException {
    switch (type) {
      case TEXT, JSON -> statement.setString(index, (String) value);
      case BIGINT -> statement.setLong(index, (Long) value);
      case NUMERIC -> statement.setBigDecimal(index, (BigDecimal) value);
      case BOOLEAN -> statement.setBoolean(index, (Boolean) value);
      case TIMESTAMP -> statement.setObject(index, LocalDateTime.ofInstant((Instant) value, ZoneOffset.UTC));
    }
  }

  @Override
  public String toString() {
    return name();
  }
}
