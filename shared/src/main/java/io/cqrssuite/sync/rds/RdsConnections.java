package io.cqrssuite.sync.rds;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * The one JDBC connection a Lambda container keeps across invocations. A pool would hold idle connections per
 * container for nothing (one invocation at a time runs in a container), and RDS Proxy pools on the server side.
 *
 * <p>The connection is checked before each use ({@link Connection#isValid}, 2 s) because a frozen container may
 * wake up after the server or a proxy closed it; a lost connection is {@linkplain #discard() discarded} and the
 * next use opens a new one. Connections run with autocommit off: the writers commit per batch chunk.
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

  private Connection open() throws SQLException {
    Properties properties = dialect.connectionProperties();
    if (user != null && !user.isEmpty()) {
      properties.setProperty("user", user);
    }
    String secret = password.password();
    if (secret != null) {
      properties.setProperty("password", secret);
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
