package io.cqrssuite.sync.rds;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings a read-model database to the current schema with Flyway: the versioned SQL the user names (a
 * {@code V<n>__<what>.sql} file per step, {@code SUITE_RDS_MIGRATIONS}), applied in order, each once; running it
 * again changes nothing. The library ships no migrations: by default they are read from the function's own
 * resources, {@link #classpathLocation} ({@code db/migration/postgresql} or {@code db/migration/mariadb}).
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

  /** Applies the migrations of {@code settings}' locations ({@code SUITE_RDS_MIGRATIONS}). */
  public int migrate(RdsSettings settings) {
    return migrate(settings.migrationLocations().toArray(String[]::new));
  }

  public static SchemaMigrations of(RdsSettings settings) {
    return new SchemaMigrations(settings.url(), settings.user(), settings.passwordSource());
  }

  /** {@code classpath:db/migration/postgresql} or {@code .../mariadb}: the default, in the function's own jar. */
  public static String classpathLocation(SqlDialect dialect) {
    return "classpath:db/migration/" + dialect.name();
  }

  /**
   * Applies the pending migrations from {@code locations} (Flyway locations, read in order).
   *
   * @return how many migrations were applied (0 when the schema was current)
   * @throws FlywayException when the database is unreachable, refuses the login twice, or a migration fails
   */
  public int migrate(String... locations) {
    try {
      return migrateOnce(locations);
    } catch (FlywayException e) {
      if (!SqlFailures.authenticationFailed(e)) {
        throw e;
      }
      // A rotated secret: read the password again and try once more, as RdsConnections does.
      password.invalidate();
      return migrateOnce(locations);
    }
  }

  private int migrateOnce(String[] locations) {
    DatabaseLogin login = password.login(user);
    MigrateResult result =
        Flyway.configure()
            .dataSource(url, login.user(), login.password())
            .locations(locations)
            .failOnMissingLocations(true)
            .load()
            .migrate();
    return result.migrationsExecuted;
  }
}
