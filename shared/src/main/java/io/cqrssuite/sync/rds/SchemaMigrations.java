package io.cqrssuite.sync.rds;

import java.nio.file.Path;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings a read-model database to the current schema with Flyway: the versioned SQL in {@code infra/sql/<dialect>}
 * (a {@code V<n>__<what>.sql} file per step), applied in order, each once; running it again changes nothing.
 *
 * <p>The same files travel in the shared jar under {@code db/migration/<dialect>}, so a Lambda (or a deploy step)
 * migrates from {@link #classpathLocation}, and a local run or a test from {@link #filesystemLocation}.
 */
public final class SchemaMigrations {
  private final String url;
  private final String user;
  private final PasswordSource password;

  public SchemaMigrations(String url, String user, PasswordSource password) {
    this.url = url;
    this.user = user;
    this.password = password;
  }

  public static SchemaMigrations of(RdsSettings settings) {
    return new SchemaMigrations(settings.url(), settings.user(), settings.passwordSource());
  }

  /** {@code classpath:db/migration/postgresql} or {@code .../mariadb}: the migrations inside the jar. */
  public static String classpathLocation(SqlDialect dialect) {
    return "classpath:db/migration/" + dialect.name();
  }

  /** {@code filesystem:<root>/infra/sql/<dialect>}: the migrations in a checkout of the project. */
  public static String filesystemLocation(Path projectRoot, SqlDialect dialect) {
    return "filesystem:" + projectRoot.resolve("infra").resolve("sql").resolve(dialect.name()).toAbsolutePath();
  }

  /**
   * Applies the pending migrations from {@code location}.
   *
   * @return how many migrations were applied (0 when the schema was current)
   * @throws FlywayException when the database is unreachable, refuses the login twice, or a migration fails
   */
  public int migrate(String location) {
    try {
      return migrateOnce(location);
    } catch (FlywayException e) {
      if (!SqlFailures.authenticationFailed(e)) {
        throw e;
      }
      // A rotated secret: read the password again and try once more, as RdsConnections does.
      password.invalidate();
      return migrateOnce(location);
    }
  }

  private int migrateOnce(String location) {
    DatabaseLogin login = password.login(user);
    MigrateResult result =
        Flyway.configure()
            .dataSource(url, login.user(), login.password())
            .locations(location)
            .failOnMissingLocations(true)
            .load()
            .migrate();
    return result.migrationsExecuted;
  }
}
