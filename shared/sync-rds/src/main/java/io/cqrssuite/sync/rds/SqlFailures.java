package io.cqrssuite.sync.rds;

import io.cqrssuite.failure.FailureKind;
import io.cqrssuite.failure.PermanentException;
import io.cqrssuite.failure.TransientException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a JDBC failure: is it the row's fault (a value the table refuses: SQLState classes 21, 22, 23), the
 * deployment's (the table, a column or a grant is not what the mapping was deployed against: classes 42 and 0A),
 * the moment's (lost connection 08, rollback or deadlock 40, resources 53, shutdown or cancel 57, lock timeouts),
 * or unknown. Only the row's fault is permanent and worth isolating by splitting the batch. The deployment's fault
 * hits every row alike, so it is transient: dead-lettering would drain the stream for as long as the schema is
 * wrong, while a redelivery succeeds once it is put right.
 */
final class SqlFailures {
  /** MySQL/MariaDB vendor codes that arrive with the catch-all SQLState HY000: lock wait timeout, deadlock. */
  private static final int LOCK_WAIT_TIMEOUT = 1205;
  private static final int DEADLOCK = 1213;

  /**
   * A schema object the server names: {@code constraint "c"}, {@code for key 'k'}, {@code column `db`.`t`.`c`} (the
   * last part). Only plain identifiers are taken, so a quoted value after such a word rarely passes for a name.
   */
  private static final Pattern NAMED_OBJECT =
      Pattern.compile(
          "(constraint|for key|column|table|relation|index)"
              + " (?:\"(\\w{1,64})\"|'(\\w{1,64})'|(?:`\\w{1,64}`\\.)*`(\\w{1,64})`)",
          Pattern.CASE_INSENSITIVE);

  private SqlFailures() {}

  /** The failure as its kind, or empty when the SQLState says nothing either way. */
  static Optional<FailureKind> kind(SQLException error) {
    SQLException cause = cause(error);
    if (cause instanceof SQLTransientException || cause instanceof SQLRecoverableException || connectionLost(cause)) {
      return Optional.of(FailureKind.TRANSIENT);
    }
    String state = cause.getSQLState();
    if (state == null || state.length() < 2) {
      return Optional.empty();
    }
    if (state.equals("55P03")
        || (state.equals("HY000") && (cause.getErrorCode() == LOCK_WAIT_TIMEOUT || cause.getErrorCode() == DEADLOCK))) {
      return Optional.of(FailureKind.TRANSIENT);
    }
    return switch (state.substring(0, 2)) {
      case "08", "40", "53", "57", "58", "70", "42", "0A" -> Optional.of(FailureKind.TRANSIENT);
      case "21", "22", "23" -> Optional.of(FailureKind.PERMANENT);
      default -> Optional.empty();
    };
  }

  /**
   * Whether the deployment is at fault (SQLState class 42: undefined table or column, insufficient privilege,
   * including MySQL/MariaDB's 42S02, 42S22 and 42000; class 0A: not supported): the checked table no longer holds,
   * whatever the row.
   */
  static boolean deploymentFault(SQLException error) {
    String state = cause(error).getSQLState();
    return state != null && (state.startsWith("42") || state.startsWith("0A"));
  }

  /** Whether the connection is gone, so the work must go on (or be retried) on a new one. */
  static boolean connectionLost(SQLException error) {
    SQLException cause = cause(error);
    String state = cause.getSQLState();
    return cause instanceof SQLNonTransientConnectionException
        || cause instanceof SQLRecoverableException
        || (state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")));
  }

  /**
   * Whether the server refused the login (SQLState class 28: PostgreSQL's 28P01 and 28000, MySQL/MariaDB's 28000),
   * anywhere in the cause chain (Flyway wraps the driver's exception): a rotated password, worth reading again.
   */
  static boolean authenticationFailed(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("28")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The exception a failed row is reported with: a {@link DeploymentFaultException} when the deployment is at fault,
   * else permanent or transient by {@link #kind} (unknown counts as transient, so it is retried before it is
   * dead-lettered), naming the record and the table. The message shows the SQLState, the vendor code and the
   * constraint, key or column the server names; the server's own text goes only into the detail, for the
   * dead-letter envelope (contract §5): MySQL/MariaDB quote the duplicate value of a unique key, PostgreSQL a
   * failing row whenever its detail is on.
   */
  static RuntimeException forRecord(String recordId, String table, SQLException error) {
    SQLException cause = cause(error);
    String server = "(SQLState " + cause.getSQLState() + "): " + cause.getMessage();
    if (deploymentFault(error)) {
      return new DeploymentFaultException(recordId, table, "the server refused the statement " + server, cause);
    }
    boolean permanent = kind(error).orElse(FailureKind.TRANSIENT) == FailureKind.PERMANENT;
    // A timeout, a lock wait or a lost connection is no refusal of the row: the words say which it is.
    String refused =
        "record " + recordId + ": table " + table + (permanent ? " refused the row " : " did not take the row now ");
    String message = refused + "(" + identify(cause) + ")";
    String detail = refused + server;
    return permanent ? new PermanentException(message, detail, cause) : new TransientException(message, detail, cause);
  }

  /**
   * The SQLState, the vendor code and the schema objects the server's message names, quoted as both engines quote
   * identifiers: {@code constraint "x"}, {@code for key 'x'}, {@code column 'x'}. Never a quoted value.
   */
  static String identify(SQLException error) {
    StringBuilder text = new StringBuilder("SQLState ").append(error.getSQLState());
    if (error.getErrorCode() != 0) {
      text.append(", vendor code ").append(error.getErrorCode());
    }
    String message = error.getMessage();
    if (message != null) {
      Matcher named = NAMED_OBJECT.matcher(message);
      while (named.find()) {
        String object = named.group(1).toLowerCase(Locale.ROOT);
        String name = named.group(2) != null ? named.group(2) : named.group(3) != null ? named.group(3) : named.group(4);
        text.append(", ").append(object.equals("for key") ? "key" : object).append(' ').append(name);
      }
    }
    return text.toString();
  }

  /**
   * The exception of a row that was never tried alone: its batch failed on some row and the split budget ran out
   * before this one stood alone. Transient, under its own name: another row's error says nothing about this one,
   * and a redelivery isolates it with a fresh budget. Only the SQLState is kept, since the server's message may
   * name another row's column or constraint.
   */
  static RuntimeException notIsolated(String recordId, String table, SQLException covering) {
    String state = covering == null ? "none" : cause(covering).getSQLState();
    return new TransientException(
        "record " + recordId + ": not written to table " + table + ": its batch was refused (SQLState " + state
            + ") and the split budget ran out before this row was tried alone; a redelivery retries it");
  }

  /** The server's own error: a batch failure wraps it (PostgreSQL) or is it (MariaDB). */
  private static SQLException cause(SQLException error) {
    if (error instanceof BatchUpdateException && error.getNextException() != null) {
      return error.getNextException();
    }
    return error;
  }
}
