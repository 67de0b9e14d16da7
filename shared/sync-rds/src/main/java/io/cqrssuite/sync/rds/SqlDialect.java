package io.cqrssuite.sync.rds;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * What differs between the relational engines: the version-guarded upsert's syntax, how a timestamp or JSON value
 * is bound, where the current schema is, and the driver settings the sync relies on. Everything else (batching,
 * failure isolation, outcomes) is shared.
 */
public sealed interface SqlDialect permits PostgresDialect, MariaDbDialect {
  /** The folder name of this engine's migrations: {@code infra/sql/<name>}, {@code db/migration/<name>}. */
  String name();

  /** The port a JDBC URL without one connects to. */
  int defaultPort();

  /** A fresh driver instance, so connecting does not depend on {@link java.sql.DriverManager}'s discovery. */
  Driver driver();

  /** Driver properties the sync depends on (merged under the caller's user and password). */
  Properties connectionProperties();

  /** Statements run once on every new connection, before any sync. */
  List<String> sessionSetup();

  /**
   * Sets the driver's connect and login timeouts (and the socket timeout of the handshake) to {@code timeout}, so a
   * server that accepts the TCP connection and then never answers cannot hold the connect longer.
   */
  void limitConnect(Properties properties, Duration timeout);

  /**
   * Bounds every later statement and lock wait of the session on {@code connection} by {@code timeout}; runs
   * before a transaction's first statement. Returns {@code true} when the limits hold for the session until set
   * again (a rollback does not undo them), {@code false} when they hold only for the transaction about to begin,
   * so the caller sets them again for the next one.
   */
  boolean limitSession(Connection connection, Duration timeout) throws SQLException;

  /**
   * The version-guarded upsert for one row of {@code layout}: an upsert applies only over an older stored
   * version; a tombstone ({@code is_deleted = true}) also over a live row of the same version (contract §2).
   * The statement's update count is 0 when the guard held the stored row back, more than 0 when it wrote.
   */
  String upsertSql(RowLayout layout);

  /**
   * The same statement for a whole mapping, parameters in the order the sync binds them: {@code id, pk, code}, the
   * mapping's columns, then {@code synced_at, is_deleted, version}. Public so that tools measuring or replaying the
   * write (the sync bench) run exactly the sync's statement instead of a copy of it.
   */
  default String upsertSql(RdsTableMapping mapping) {
    return upsertSql(RowLayout.of(mapping));
  }

  /** {@code table_name, column_name, data_type, character_maximum_length} of the base tables of the current schema. */
  String schemaColumnsSql();

  /**
   * {@code value} as the engine keeps it once bound: PostgreSQL rounds to the microsecond (so a value a few hundred
   * nanoseconds before a millisecond boundary is stored in the next millisecond), MariaDB truncates. Reconcile compares
   * what it expects through this, so a rounding is not taken for drift.
   */
  Instant asStored(Instant value);

  /** Reads a {@code TIMESTAMP} column the way {@link #bind} wrote it; {@code null} for SQL {@code NULL}. */
  Instant readTimestamp(ResultSet rows, String column) throws SQLException;

  /** Binds a non-null value converted for {@code type} (see {@link RowValues}). */
  void bind(PreparedStatement statement, int index, RdsColumnType type, Object value) throws SQLException;

  /** The dialect for a JDBC URL: {@code jdbc:postgresql:}, or {@code jdbc:mariadb:} / {@code jdbc:mysql:}. */
  static SqlDialect forJdbcUrl(String url) {
    String lower = url == null ? "" : url.toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:postgresql:")) {
      return new PostgresDialect();
    }
    if (lower.startsWith("jdbc:mariadb:") || lower.startsWith("jdbc:mysql:")) {
      return new MariaDbDialect();
    }
    throw new IllegalArgumentException(
        "unsupported JDBC URL '" + schemeOf(url) + "...': use jdbc:postgresql://, jdbc:mariadb:// or jdbc:mysql://");
  }

  private static String schemeOf(String url) {
    if (url == null) {
      return "null";
    }
    int slashes = url.indexOf("//");
    // Only the scheme is echoed: the rest of a URL may carry a password.
    return slashes < 0 ? url.substring(0, Math.min(url.length(), 20)) : url.substring(0, slashes);
  }
}
