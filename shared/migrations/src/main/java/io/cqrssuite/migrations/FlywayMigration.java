package io.cqrssuite.migrations;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.failsafe.RetryPolicyBuilder;
import io.cqrssuite.sync.rds.DatabaseLogin;
import io.cqrssuite.sync.rds.PasswordSource;
import io.cqrssuite.sync.rds.RdsSettings;
import io.cqrssuite.sync.rds.SqlDialect;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.output.ValidateResult;

/**
 * Flyway over the read model, every session bounded: a callback after each connect sets the lock and statement timeouts
 * (PostgreSQL {@code lock_timeout}, {@code statement_timeout}; MariaDB {@code lock_wait_timeout},
 * {@code innodb_lock_wait_timeout}, {@code max_statement_time}), so a migration that meets a lock held by the live
 * sync or a forgotten session fails in time instead of queueing every other session behind its DDL.
 *
 * <p>A timeout is tried again, up to {@link MigrationSettings#attempts()} attempts in all, with exponential backoff
 * (Failsafe's policy); a refusal (a syntax error, a constraint conflict, anything not known to pass) stops at once.
 * On PostgreSQL a failed migration left nothing behind (its transaction rolled back). MariaDB commits each DDL
 * statement and Flyway marks the migration failed in its history; a retry first repairs that mark. A migration of
 * several DDL statements whose second one timed out then meets its first one again and fails (the pipeline rolls
 * back): on MariaDB, keep one DDL statement per migration file where a retry matters.
 */
public final class FlywayMigration {
  /** Called after each failed attempt, before the backoff: for logs (and tests, which release a lock here). */
  @FunctionalInterface
  public interface AttemptListener {
    void failed(int attempt, String reason, boolean retrying) throws Exception;

    static AttemptListener none() {
      return (attempt, reason, retrying) -> {};
    }
  }

  /** A successful migrate: how many migrations were applied, in how many attempts. */
  public record Applied(int migrations, int attempts) {}

  private final String url;
  private final String user;
  private final PasswordSource password;
  private final EngineCatalog catalog;
  private final List<String> locations;
  private final MigrationSettings settings;

  public FlywayMigration(
      String url, String user, PasswordSource password, SqlDialect dialect, List<String> locations, MigrationSettings settings) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.catalog = EngineCatalog.of(dialect);
    this.locations = List.copyOf(locations);
    this.settings = settings;
    if (this.locations.isEmpty()) {
      throw new IllegalArgumentException("no migration locations: set SUITE_RDS_MIGRATIONS");
    }
  }

  /** The read model of {@code rds}, with its migrations ({@code SUITE_RDS_MIGRATIONS}). */
  public static FlywayMigration of(RdsSettings rds, MigrationSettings settings) {
    return new FlywayMigration(rds.url(), rds.user(), rds.passwordSource(), rds.dialect(), rds.migrationLocations(), settings);
  }

  /**
   * Applies the pending migrations.
   *
   * @throws MigrationFailedException after the last attempt that timed out, or the first refused one
   */
  public Applied migrate(AttemptListener listener) {
    Flyway flyway = flyway();
    AtomicInteger attempts = new AtomicInteger();
    RetryPolicyBuilder<Integer> policy =
        RetryPolicy.<Integer>builder()
            .handleIf(error -> MigrationFailure.of(error).retried())
            .withMaxAttempts(settings.attempts());
    Duration backoff = settings.backoff();
    // Zero (SUITE_MIGRATION_BACKOFF_MS=0) is Failsafe's default, no pause: it refuses a delay of zero said explicitly.
    if (!backoff.isZero()) {
      policy.withBackoff(backoff, backoff.multipliedBy(1L << Math.min(10, settings.attempts())));
    }
    try {
      int applied = Failsafe.with(policy.build()).get(() -> {
        int attempt = attempts.incrementAndGet();
        if (attempt > 1) {
          repairFailed(flyway);
        }
        try {
          return flyway.migrate().migrationsExecuted;
        } catch (RuntimeException e) {
          MigrationFailure kind = MigrationFailure.of(e);
          try {
            listener.failed(attempt, MigrationFailure.describe(e), kind.retried() && attempt < settings.attempts());
          } catch (Exception listenerFailed) {
            e.addSuppressed(listenerFailed);
          }
          throw e;
        }
      });
      return new Applied(applied, attempts.get());
    } catch (FailsafeException e) {
      throw failed(e.getCause() == null ? e : e.getCause(), attempts.get());
    } catch (RuntimeException e) {
      throw failed(e, attempts.get());
    }
  }

  /** The migrations not yet applied, as {@code <version> <description>}. */
  public List<String> pending() {
    return Arrays.stream(flyway().info().pending())
        .map(info -> (info.getVersion() == null ? "repeatable" : info.getVersion().getVersion()) + " " + info.getDescription())
        .toList();
  }

  /** Flyway's latest successful version, or empty before the first migration. */
  public Optional<String> currentVersion() {
    MigrationInfo current = flyway().info().current();
    return current == null || current.getVersion() == null ? Optional.empty() : Optional.of(current.getVersion().getVersion());
  }

  /**
   * Flyway's validate: the applied migrations match the ones in the locations (checksums, none missing or failed).
   *
   * @throws IllegalStateException naming what differs
   */
  public void validate() {
    ValidateResult result = flyway().validateWithResult();
    if (!result.validationSuccessful) {
      String details = result.invalidMigrations == null ? "" : result.invalidMigrations.stream()
          .map(m -> m.version + " " + m.description + ": " + (m.errorDetails == null ? "" : m.errorDetails.errorMessage))
          .reduce((a, b) -> a + "; " + b).orElse("");
      throw new IllegalStateException("Flyway validate failed: " + (result.errorDetails == null ? "" : result.errorDetails.errorMessage)
          + (details.isEmpty() ? "" : " (" + details + ")"));
    }
  }

  private MigrationFailedException failed(Throwable error, int attempts) {
    MigrationFailure kind = MigrationFailure.of(error);
    String why = switch (kind) {
      case TIMEOUT -> "timed out waiting for a lock or a statement in each of " + attempts + " attempt(s)";
      case SYNTAX -> "the server refused the SQL (syntax or a name it does not know); not retried";
      case CONFLICT -> "the data conflicts with a constraint the migration adds; not retried";
      case OTHER -> "it failed in a way not known to pass on retry; not retried";
    };
    return new MigrationFailedException(
        "migration failed after " + attempts + " attempt(s): " + why + " (" + MigrationFailure.describe(error) + ")",
        attempts, kind, error);
  }

  /** Clears a failed migration's mark (MariaDB: DDL is not transactional), so the next attempt may run it again. */
  private static void repairFailed(Flyway flyway) {
    boolean failed = Arrays.stream(flyway.info().all()).anyMatch(info -> info.getState() == MigrationState.FAILED);
    if (failed) {
      flyway.repair();
    }
  }

  private Flyway flyway() {
    DatabaseLogin login = password.login(user);
    return Flyway.configure()
        .dataSource(url, login.user(), login.password())
        .locations(locations.toArray(String[]::new))
        .failOnMissingLocations(true)
        .callbacks(new SessionTimeouts(catalog.timeoutSql(settings.lockTimeout(), settings.statementTimeout())))
        .load();
  }
}
