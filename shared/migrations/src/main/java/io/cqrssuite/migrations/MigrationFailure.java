package io.cqrssuite.migrations;

import java.sql.SQLException;
import java.util.Optional;

/**
 * Why a migration attempt failed, read from the server's SQLState and vendor code anywhere in the cause chain (Flyway
 * wraps the driver's exception): a wait that ran out, which another attempt may get past once the lock is released,
 * or a refusal, which the same SQL meets again at once (a syntax error, SQLState class 42; a constraint conflict,
 * class 23; anything else unknown).
 */
enum MigrationFailure {
  /** A lock or statement timeout, a deadlock, a lost connection: retried with backoff. */
  TIMEOUT,
  /** Class 42: the SQL (or a name in it) is wrong. */
  SYNTAX,
  /** Class 23: the data conflicts with a constraint the migration adds. */
  CONFLICT,
  /** Anything else: not retried, since it is not known to pass. */
  OTHER;

  /** MariaDB/MySQL vendor codes: lock wait timeout, deadlock, max_statement_time, MySQL's max_execution_time. */
  private static final int LOCK_WAIT = 1205;
  private static final int DEADLOCK = 1213;
  private static final int STATEMENT_TIME = 1969;
  private static final int EXECUTION_TIME = 3024;

  static MigrationFailure of(Throwable error) {
    Optional<SQLException> sql = sqlCause(error);
    if (sql.isEmpty()) {
      return OTHER;
    }
    String state = sql.get().getSQLState() == null ? "" : sql.get().getSQLState();
    int code = sql.get().getErrorCode();
    if (state.equals("55P03") || state.equals("57014") || state.startsWith("40") || state.startsWith("08")
        || code == LOCK_WAIT || code == DEADLOCK || code == STATEMENT_TIME || code == EXECUTION_TIME) {
      return TIMEOUT;
    }
    if (state.startsWith("42")) {
      return SYNTAX;
    }
    if (state.startsWith("23")) {
      return CONFLICT;
    }
    return OTHER;
  }

  boolean retried() {
    return this == TIMEOUT;
  }

  /** The server's own error, deepest in the chain: what an operator needs to read. */
  static Optional<SQLException> sqlCause(Throwable error) {
    SQLException found = null;
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException sql) {
        found = sql;
      }
    }
    return Optional.ofNullable(found);
  }

  /** {@code SQLState 42601, vendor code 0: syntax error at or near "ALTR"}, or the exception's own message. */
  static String describe(Throwable error) {
    return sqlCause(error)
        .map(sql -> "SQLState " + sql.getSQLState() + ", vendor code " + sql.getErrorCode() + ": " + firstLine(sql.getMessage()))
        .orElseGet(() -> error.getClass().getSimpleName() + ": " + firstLine(error.getMessage()));
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "";
    }
    int end = text.indexOf('\n');
    return end < 0 ? text : text.substring(0, end);
  }
}
