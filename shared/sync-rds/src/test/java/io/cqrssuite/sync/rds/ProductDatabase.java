package io.cqrssuite.sync.rds;

import io.cqrssuite.alarm.AlarmSink;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A database of its own on the fixture's engine, migrated with the product schema: for tests that change the
 * schema under the sync (rename a column, move the table) without disturbing the shared fixture's tables.
 */
final class ProductDatabase implements AutoCloseable {
  final RdsFixture fixture;
  final String url;
  private final Connection admin;

  private ProductDatabase(RdsFixture fixture, String url) throws SQLException {
    this.fixture = fixture;
    this.url = url;
    this.admin = DriverManager.getConnection(url, fixture.engine.user(), fixture.engine.password());
  }

  static ProductDatabase create(RdsFixture fixture, String prefix) throws SQLException {
    String url = fixture.engine.createDatabase(prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
    new SchemaMigrations(url, fixture.engine.user(), PasswordSource.fixed(fixture.engine.password()))
        .migrate(SchemaMigrations.classpathLocation(SqlDialect.forJdbcUrl(url)));
    return new ProductDatabase(fixture, url);
  }

  boolean postgres() {
    return fixture.engine.name().equals("postgresql");
  }

  /** A sync handler over the product table of this database, on a connection of its own. */
  RdsSyncHandler handler(int maxBatchRows, AlarmSink alarms) {
    RdsConnections connections = fixture.connectionsTo(url);
    return new RdsSyncHandler(
        connections, new RdsSchema(connections, List.of(ProductTable.product())), Clock.systemUTC(), maxBatchRows, alarms);
  }

  /** As above, logged in as another user of the engine. */
  RdsSyncHandler handler(String user, String password, int maxBatchRows, AlarmSink alarms) {
    RdsConnections connections = new RdsConnections(SqlDialect.forJdbcUrl(url), url, user, PasswordSource.fixed(password));
    return new RdsSyncHandler(
        connections, new RdsSchema(connections, List.of(ProductTable.product())), Clock.systemUTC(), maxBatchRows, alarms);
  }

  void execute(String sql) throws SQLException {
    try (Statement statement = admin.createStatement()) {
      statement.execute(sql);
    }
  }

  /** Stored version and name of every product row, by id. */
  Map<String, Stored> rows() throws SQLException {
    Map<String, Stored> rows = new HashMap<>();
    try (PreparedStatement statement = admin.prepareStatement("SELECT id, version, name FROM product");
        ResultSet result = statement.executeQuery()) {
      while (result.next()) {
        rows.put(result.getString(1), new Stored(result.getLong(2), result.getString(3)));
      }
    }
    return rows;
  }

  record Stored(long version, String name) {}

  @Override
  public void close() throws SQLException {
    admin.close();
  }
}
