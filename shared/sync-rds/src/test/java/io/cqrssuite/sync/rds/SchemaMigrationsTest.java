package io.cqrssuite.sync.rds;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import org.junit.jupiter.api.Test;
import java.util.Map;
import java.nio.file.Path;
import static org.assertj.core.api.Assertions.assertThat;

import io.cqrssuite.testing.engine.SqlEngine;
import io.cqrssuite.testing.engine.TestEngines;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SQL migrations a user names, applied by Flyway to a database of its own. */
class SchemaMigrationsTest {
  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void migrationsApplyOnAnEmptyDatabaseAndAreIdempotent(String name) throws Exception {
    SqlEngine engine = TestEngines.named(name);
    String url = engine.createDatabase("migrations_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
    SchemaMigrations migrations = new SchemaMigrations(url, engine.user(), PasswordSource.fixed(engine.password()));
    SqlDialect dialect = SqlDialect.forJdbcUrl(url);

    // The default location, db/migration/<dialect> in the function's own resources (here: the test resources).
    int first = migrations.migrate(SchemaMigrations.classpathLocation(dialect));
    int second = migrations.migrate(SchemaMigrations.classpathLocation(dialect));
    // The same files named through SUITE_RDS_MIGRATIONS as a folder on disk: nothing left to do.
    Path folder = Path.of("src", "test", "resources", "db", "migration").toAbsolutePath();
    RdsSettings settings = RdsSettings.fromEnvironment(Map.of(
        "SUITE_RDS_URL", url, "SUITE_RDS_MIGRATIONS", "filesystem:" + folder + "/{dialect}"));
    int fromSettings = migrations.migrate(settings);

    assertThat(first).isEqualTo(1);
    assertThat(second).isZero();
    assertThat(fromSettings).isZero();
    assertThat(tablesAndViews(url, engine)).contains("product", "product_live");
    try (RdsConnections connections =
        new RdsConnections(dialect, url, engine.user(), PasswordSource.fixed(engine.password()))) {
      // The mapping fits the migrated schema.
      new RdsSchema(connections, List.of(ProductTable.product())).verify();
    }
  }

  @Test
  void aMissingMigrationLocationFailsNamingIt() throws Exception {
    SqlEngine engine = TestEngines.named("postgresql");
    String url = engine.createDatabase("migrations_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
    SchemaMigrations migrations = new SchemaMigrations(url, engine.user(), PasswordSource.fixed(engine.password()));
    RdsSettings settings = RdsSettings.fromEnvironment(Map.of(
        "SUITE_RDS_URL", url, "SUITE_RDS_MIGRATIONS", "classpath:db/no-such-folder/{dialect}"));

    assertThatThrownBy(() -> migrations.migrate(settings)).hasMessageContaining("db/no-such-folder/postgresql");
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
