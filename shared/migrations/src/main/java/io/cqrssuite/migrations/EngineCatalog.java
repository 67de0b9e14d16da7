package io.cqrssuite.migrations;

import com.fasterxml.jackson.databind.JsonNode;
import io.cqrssuite.sync.rds.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a backup, a restore and the pre-checks need to know of one engine: how its catalog describes a table, how a
 * value travels through a backup unchanged, who holds locks, and how a session's lock and statement waits are
 * bounded.
 */
sealed interface EngineCatalog permits PostgresCatalog, MariaDbCatalog {
  /** Flyway's history table (its default name). */
  String HISTORY = "flyway_schema_history";

  static EngineCatalog of(SqlDialect dialect) {
    return switch (dialect.name()) {
      case "postgresql" -> new PostgresCatalog();
      case "mariadb" -> new MariaDbCatalog();
      default -> throw new IllegalArgumentException("no schema catalog for the " + dialect.name() + " dialect");
    };
  }

  String name();

  /** The identifier quoted for SQL text (the names come from the catalog or are checked first; quoting is a second guard). */
  String quote(String identifier);

  /**
   * Makes every timestamp read and written in UTC for this session, so a backup's text is restored as the same
   * instant wherever it runs.
   */
  void prepareSession(Connection connection) throws SQLException;

  /** The base tables of the current schema (or database). */
  List<String> baseTables(Connection connection) throws SQLException;

  /** The table's definition, or empty when there is no such table. */
  Optional<TableDefinition> definition(Connection connection, String table) throws SQLException;

  /** The statements that create {@code as} with {@code definition}'s columns, keys and indexes, in order. */
  List<String> createStatements(TableDefinition definition, String as);

  /** The row insert into {@code into}, one placeholder per column in definition order. */
  String insertSql(TableDefinition definition, String into);

  /** The expression a backup selects for {@code column}: the server's own text of its value where the driver's would differ. */
  String selectExpression(TableDefinition.Column column);

  /** One value of a backed-up row: the engine's text for it (or base64 of a binary column), or JSON null. */
  JsonNode readValue(ResultSet rows, int index, TableDefinition.Column column) throws SQLException;

  /** Binds a value {@link #readValue} produced to the {@link #insertSql} placeholder {@code index}. */
  void bind(PreparedStatement statement, int index, TableDefinition.Column column, JsonNode value) throws SQLException;

  /** Sessions other than this one holding locks on {@code tables} in a transaction open longer than {@code olderThan}. */
  List<LockHolder> lockHolders(Connection connection, List<String> tables, Duration olderThan) throws SQLException;

  /** The bytes (data and indexes) of {@code tables}. */
  long tablesBytes(Connection connection, List<String> tables) throws SQLException;

  /** The SQL run on each Flyway session as it connects: every migration session waits at most {@code lock} for a lock, runs a statement at most {@code statement}. */
  String timeoutSql(Duration lock, Duration statement);
}
