package io.cqrssuite.sync.rds;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.Properties;

/**
 * The one JDBC connection a Lambda container keeps across invocations. A pool would hold idle connections per
 * container for nothing (one invocation at a time runs in a container), and RDS Proxy pools on the server side.
 *
 * <p>The connection is checked before each use ({@link Connection#isValid}, 2 s) because a frozen container may
 * wake up after the server or a proxy closed it; a lost connection is {@linkplain #discard() discarded} and the
 * next use opens a new one. Connections run with autocommit off: the writers commit per batch chunk.
 *
 * <p>A login the server refuses (SQLState class 28) is tried once more after {@link PasswordSource#invalidate()},
 * so a password rotated in Secrets Manager is picked up by the connect that first meets it; a password source
 * that fails is reported as a connection that could not open (SQLState 08001, transient).
 */
public final class RdsConnections implements AutoCloseable {
  private static final int VALIDATION_SECONDS = 2;

  private final SqlDialect dialect;
  private final String url;
  private final String user;
  private final PasswordSource password;
  private Connection current;

  public RdsConnections(SqlDialect dialect, String url, String user, PasswordSource password) {
    this.dialect = dialect;
    this.url = url;
    this.user = user;
    this.password = password;
  }

  public static RdsConnections of(RdsSettings settings) {
    return new RdsConnections(settings.dialect(), settings.url(), settings.user(), settings.passwordSource());
  }

  public SqlDialect dialect() {
    return dialect;
  }

  /** A live connection: the kept one if it still answers, else a new one. */
  public synchronized Connection connection() throws SQLException {
    if (current != null) {
      if (!current.isClosed() && current.isValid(VALIDATION_SECONDS)) {
        return current;
      }
      discard();
    }
    current = open();
    return current;
  }

  /** Drops the kept connection (after it failed), so the next {@link #connection()} opens a new one. */
  public synchronized void discard() {
    if (current != null) {
      try {
        current.close();
      } catch (SQLException ignored) {
        // Closing a broken connection may fail; it is dropped either way.
      }
      current = null;
    }
  }

  @Override
  public void close() {
    discard();
  }

  /** Connects; a refused login is tried once more with the password read afresh (a rotated secret). */
  private Connection open() throws SQLException {
    try {
      return connect();
    } catch (SQLException e) {
      if (!SqlFailures.authenticationFailed(e)) {
        throw e;
      }
      password.invalidate();
      return connect();
    }
  }

  private Connection connect() throws SQLException {
    DatabaseLogin login;
    try {
      login = password.login(user);
    } catch (RuntimeException e) {
      // Not the records' fault: a connection that cannot open, retried like one.
      throw new SQLTransientConnectionException(
          "no password for the " + dialect.name() + " connection: " + e.getMessage(), "08001", e);
    }
    Properties properties = dialect.connectionProperties();
    if (login.user() != null && !login.user().isEmpty()) {
      properties.setProperty("user", login.user());
    }
    if (login.password() != null) {
      properties.setProperty("password", login.password());
    }
    Connection connection = dialect.driver().connect(url, properties);
    if (connection == null) {
      throw new SQLException("the " + dialect.name() + " driver does not accept this JDBC URL", "08001");
    }
    try {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        for (String sql : dialect.sessionSetup()) {
          statement.execute(sql);
        }
      }
      connection.commit();
      return connection;
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
  }
}
