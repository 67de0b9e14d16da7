package io.cqrssuite.testing.engine;

import java.sql.SQLException;

/**
 * A relational engine running on this machine for tests and the local run, reached over its real wire protocol
 * by the same JDBC code that reaches RDS. Each starts with an empty database named {@code suite}.
 */
public interface SqlEngine extends AutoCloseable {
  /** {@code postgresql} or {@code mariadb}: the migrations folder and the dialect's name. */
  String name();

  /** The JDBC URL of the {@code suite} database. */
  String jdbcUrl();

  String user();

  String password();

  /** Creates an empty database and returns its JDBC URL (for tests that need a schema of their own). */
  String createDatabase(String database) throws SQLException;

  /** Stops the engine and deletes its data. */
  @Override
  void close();
}
