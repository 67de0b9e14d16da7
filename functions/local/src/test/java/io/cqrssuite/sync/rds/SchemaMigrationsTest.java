package io.cqrssuite.sync.rds;

import static org.assertj.core.api.Assertions.assertThat;

import io.cqrssuite.local.engine.SqlEngine;
import io.cqrssuite.local.engine.TestEngines;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SQL under {@code infra/sql/<dialect>}, applied by Flyway to a database of its own. */
class SchemaMigrationsTest {
  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void migrationsApplyOnAnEmptyDatabaseAndAreIdempotent(String name) throws Exception {
    SqlEngine engine = TestEngines.named(name);
    String url = engine.createDatabase("migrations_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
    SchemaMigrations migrations = new SchemaMigrations(url, engine.user(), PasswordSource.fixed(engine.password()));
    SqlDialect dialect = SqlDialect.forJdbcUrl(url);

    int first = migrations.migrate(SchemaMigrations.filesystemLocation(RdsFixture.ROOT, dialect));
    int second = migrations.migrate(SchemaMigrations.filesystemLocation(RdsFixture.ROOT, dialect));
    // The jar carries the same files: a Lambda migrating from the classpath finds nothing left to do.
    int fromJar = migrations.migrate(SchemaMigrations.classpathLocation(dialect));

    assertThat(first).isEqualTo(1);
    assertThat(second).isZero();
    assertThat(fromJar).isZero();
    assertThat(tablesAndViews(url, engine)).contains("product", "product_live");
    try (RdsConnections connections =
        new RdsConnections(dialect, url, engine.user(), PasswordSource.fixed(engine.password()))) {
      // The example mapping fits the migrated schema.
      new RdsSchema(connections, List.of(io.cqrssuite.example.catalog.ProductRdsMapping.product())).verify();
    }
  }

  private static List<String> tablesAndViews(String url, SqlEngine engine) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection(url, engine.user(), engine.password());
        ResultSet tables = connection.getMetaData().getTables(connection.getCatalog(), null, "product%", null)) {
      while (tables.next()) {
        names.add(tables.getString("TABLE_NAME"));
      }
    }
    return names;
  }
}
