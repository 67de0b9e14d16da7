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
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * PostgreSQL: {@code INSERT ... ON CONFLICT (id) DO UPDATE ... WHERE} with the version guard in the
 * {@code WHERE}, so a held-back row reports an update count of 0. JSON goes to {@code jsonb} through a cast;
 * timestamps are bound as UTC {@code OffsetDateTime} for {@code timestamptz}.
 *
 * <p>{@code reWriteBatchedInserts} must stay off: it merges a batch into multi-row inserts whose update counts are
 * {@code SUCCESS_NO_INFO}, and the per-row counts are how results map back to records.
 */
public final class PostgresDialect implements SqlDialect {
  @Override
  public String name() {
    return "postgresql";
  }

  @Override
  public int defaultPort() {
    return 5432;
  }

  @Override
  public Driver driver() {
    return new org.postgresql.Driver();
  }

  @Override
  public Properties connectionProperties() {
    Properties properties = new Properties();
    properties.setProperty("reWriteBatchedInserts", "false");
    properties.setProperty("ApplicationName", "cqrs-suite-rds-sync");
    // Error details repeat the failing row's values; failure messages travel to dead letters and alarms.
    properties.setProperty("logServerErrorDetail", "false");
    return properties;
  }

  @Override
  public List<String> sessionSetup() {
    return List.of();
  }

  /** PostgreSQL's driver counts these in whole seconds; rounded up, so a short budget is never 0 ("none"). */
  @Override
  public void limitConnect(Properties properties, Duration timeout) {
    String seconds = Long.toString(Math.max(1, (timeout.toMillis() + 999) / 1000));
    properties.setProperty("connectTimeout", seconds);
    properties.setProperty("loginTimeout", seconds);
    properties.setProperty("socketTimeout", seconds);
  }

  /**
   * A session-level {@code SET}, sent with autocommit on while no transaction is open: a {@code SET} inside a
   * transaction is undone by its rollback, so it is made outside one, where it lasts until set again (the pool keeps
   * track of what each session holds and sets it for a lease that needs another value). Switching autocommit while
   * the session is idle sends nothing. If a transaction is open, {@code SET LOCAL} bounds that transaction only.
   */
  @Override
  public boolean limitSession(Connection connection, Duration timeout) throws SQLException {
    long millis = Math.max(1, timeout.toMillis());
    boolean idle =
        connection.isWrapperFor(BaseConnection.class)
            && connection.unwrap(BaseConnection.class).getTransactionState() == TransactionState.IDLE;
    boolean autoCommit = connection.getAutoCommit();
    try (Statement statement = connection.createStatement()) {
      if (!idle) {
        statement.execute("SET LOCAL statement_timeout = " + millis + "; SET LOCAL lock_timeout = " + millis);
        return false;
      }
      connection.setAutoCommit(true);
      try {
        statement.execute("SET statement_timeout = " + millis + "; SET lock_timeout = " + millis);
      } finally {
        connection.setAutoCommit(autoCommit);
      }
      return true;
    }
  }

  @Override
  public String upsertSql(RowLayout layout) {
    String columns = String.join(", ", layout.columnNames());
    String values =
        layout.slots().stream()
            .map(slot -> slot.type() == RdsColumnType.JSON ? "CAST(? AS jsonb)" : "?")
            .collect(Collectors.joining(", "));
    String assignments =
        layout.columnNames().stream()
            .filter(column -> !column.equals("id"))
            .map(column -> column + " = EXCLUDED." + column)
            .collect(Collectors.joining(", "));
    return "INSERT INTO " + layout.table() + " AS stored (" + columns + ") VALUES (" + values + ")"
        + " ON CONFLICT (id) DO UPDATE SET " + assignments
        + " WHERE stored.version < EXCLUDED.version"
        + " OR (stored.version = EXCLUDED.version AND EXCLUDED.is_deleted AND NOT stored.is_deleted)";
  }

  @Override
  public String schemaColumnsSql() {
    return "SELECT c.table_name, c.column_name, c.data_type, c.character_maximum_length"
        + " FROM information_schema.columns c JOIN information_schema.tables t"
        + " ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
        + " WHERE t.table_type = 'BASE TABLE' AND c.table_schema = current_schema()";
  }

  @Override
  public Instant asStored(Instant value) {
    return value.plusNanos(500).truncatedTo(ChronoUnit.MICROS);
  }

  @Override
  public Instant readTimestamp(ResultSet rows, String column) throws SQLException {
    OffsetDateTime value = rows.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  @Override
  public void bind(PreparedStatement statement, int index, RdsColumnType type, Object value) throws SQLException {
    switch (type) {
      case TEXT, JSON -> statement.setString(index, (String) value);
      case BIGINT -> statement.setLong(index, (Long) value);
      case NUMERIC -> statement.setBigDecimal(index, (BigDecimal) value);
      case BOOLEAN -> statement.setBoolean(index, (Boolean) value);
      case TIMESTAMP -> statement.setObject(index, ((Instant) value).atOffset(ZoneOffset.UTC));
    }
  }

  @Override
  public String toString() {
    return name();
  }
}
