package io.cqrssuite.migrations.deploy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.config.SettingsReader;
import io.cqrssuite.deploy.ReadModelSetup;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.migrations.BackupStore;
import io.cqrssuite.migrations.CanaryHealth;
import io.cqrssuite.migrations.FlywayMigration;
import io.cqrssuite.migrations.FreeStorage;
import io.cqrssuite.migrations.HealthCheck;
import io.cqrssuite.migrations.MigrationPipeline;
import io.cqrssuite.migrations.MigrationResult;
import io.cqrssuite.migrations.MigrationSettings;
import io.cqrssuite.migrations.PostMigrationChecks;
import io.cqrssuite.migrations.PreChecks;
import io.cqrssuite.migrations.ResyncSince;
import io.cqrssuite.migrations.SampledReconcileHealth;
import io.cqrssuite.operations.Reconciler;
import io.cqrssuite.operations.Resync;
import io.cqrssuite.reconcile.ReconcileTarget;
import io.cqrssuite.sync.rds.RdsSettings;
import io.cqrssuite.sync.rds.RdsTableMapping;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The relational read model's deploy-time step: the {@link MigrationPipeline} over the mapped tables, built from the
 * function's environment ({@link MigrationSettings}, {@link RdsSettings}) and its graph ({@link MigrationReadModel},
 * asked for only once something is pending). Configured when {@code SUITE_RDS_URL} is set.
 *
 * <ul>
 *   <li>Completed, or nothing pending: the step succeeds; the result gets {@code applied}, {@code migration}
 *       ({@code completed} or {@code current}), {@code schemaVersion} and, when one was taken, {@code backupId}.
 *   <li>Refused, rolled back, or a rollback that failed: the step fails with the pipeline's reason, so CloudFormation
 *       fails (and rolls back) the deploy; the database is as it was before, or the reason names the backup to restore.
 *   <li>{@code SUITE_BACKUP_BUCKET} unset: nothing pending succeeds as {@code current}; anything pending is refused
 *       with the reason: a migration never runs without a backup, and a deploy that silently skipped it would leave
 *       the code ahead of its schema.
 * </ul>
 *
 * <p>The health check: a canary per table that has a canary template (the sync can still write the migrated table),
 * then a sampled reconcile of {@value #RECONCILE_SAMPLE} entities per segment with the source. A read model with no
 * Flyway history yet (its first migration) gets the canary only: its tables are new and empty, so a reconcile would
 * find every source entity missing; and a rollback of it drops the new tables, so no resync follows.
 */
public final class DeployTimeMigration implements ReadModelSetup {
  /** Entities per segment of the sampled reconcile after a migration; 0 asks the canary alone. */
  public static final String RECONCILE_SAMPLE = "SUITE_MIGRATION_RECONCILE_SAMPLE";
  static final int DEFAULT_RECONCILE_SAMPLE = 25;
  /** The longest the pre-check waits for the database to answer. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** A session holding a lock on a migrated table in a transaction open longer than this stops the migration. */
  static final Duration LOCK_AGE = Duration.ofSeconds(30);

  private final Map<String, String> env;
  private final Callable<MigrationReadModel> readModel;
  private final Clock clock;

  /**
   * @param readModel the read model's pieces, built only when a migration is pending (the function's graph: nothing
   *     connects before), once per migration: its connections and client are closed after it
   */
  public DeployTimeMigration(Map<String, String> env, Callable<MigrationReadModel> readModel) {
    this(env, readModel, Clock.systemUTC());
  }

  DeployTimeMigration(Map<String, String> env, Callable<MigrationReadModel> readModel, Clock clock) {
    this.env = Map.copyOf(env);
    this.readModel = readModel;
    this.clock = clock;
  }

  @Override
  public boolean configured() {
    return RdsSettings.configured(env);
  }

  @Override
  public String configuredBy() {
    return "SUITE_RDS_URL";
  }

  @Override
  public void apply(Map<String, Object> result) throws Exception {
    RdsSettings rds = RdsSettings.fromEnvironment(env);
    MigrationSettings settings = MigrationSettings.fromEnvironment(env);
    int sample = new SettingsReader(env).nonNegativeInt(RECONCILE_SAMPLE, DEFAULT_RECONCILE_SAMPLE);
    FlywayMigration flyway = FlywayMigration.of(rds, settings);
    if (settings.bucket() == null) {
      List<String> pending = flyway.pending();
      if (!pending.isEmpty()) {
        throw new IllegalStateException("SUITE_BACKUP_BUCKET is not set: " + pending.size() + " pending migration(s) "
            + pending + " are not applied without a backup; set it to the bucket of the schema backups (the template's"
            + " BackupBucket)");
      }
      current(result, flyway);
      return;
    }
    if (flyway.pending().isEmpty()) {
      // Nothing to do: no graph, no backup, no alarm.
      current(result, flyway);
      return;
    }
    MigrationReadModel model = readModel.call();
    try {
      migrate(model, settings, flyway, sample, result);
    } finally {
      // Built for this migration alone: a warm container keeps no pool of it.
      model.connections().close();
      model.s3().close();
    }
  }

  private void migrate(MigrationReadModel model, MigrationSettings settings, FlywayMigration flyway, int sample,
      Map<String, Object> result) throws Exception {
    boolean fresh = flyway.currentVersion().isEmpty();
    List<String> tables = model.mappings().stream().map(RdsTableMapping::table).distinct().toList();
    MigrationPipeline pipeline = new MigrationPipeline(
        new PreChecks(model.connections(), flyway, CONNECT_TIMEOUT, LOCK_AGE, FreeStorage.unknown()),
        new BackupStore(model.s3(), settings, model.connections(), model.mapper(), clock),
        flyway,
        new PostMigrationChecks(flyway, model.connections(), model.mappings()),
        health(model, fresh, sample),
        fresh ? since -> skippedResync(model) : ResyncSince.of(
            new Resync(model.source(), List.copyOf(model.targets()), model.mapper()), model.segments(), model.changedAttribute()),
        model.alarms(),
        model.mapper());
    MigrationResult outcome = pipeline.run(tables);
    switch (outcome.status()) {
      case COMPLETED, CURRENT -> {
        result.put("applied", outcome.applied());
        result.put("migration", outcome.status().name().toLowerCase(Locale.ROOT));
        result.put("schemaVersion", outcome.schemaVersionAfter());
        if (outcome.backupId() != null) {
          result.put("backupId", outcome.backupId());
        }
      }
      default -> throw new MigrationNotAppliedException(outcome);
    }
  }

  private static void current(Map<String, Object> result, FlywayMigration flyway) {
    result.put("applied", 0);
    result.put("migration", "current");
    result.put("schemaVersion", flyway.currentVersion().orElse(null));
  }

  private HealthCheck health(MigrationReadModel model, boolean fresh, int sample) {
    List<HealthCheck> checks = new ArrayList<>();
    for (int i = 0; i < model.mappings().size(); i++) {
      String table = model.mappings().get(i).table();
      ChangeRecord canary = model.canaries().get(table);
      if (canary != null) {
        checks.add(new CanaryHealth(model.targets().get(i), model.connections(), table, canary, clock));
      }
    }
    if (!fresh && sample > 0) {
      List<ReconcileTarget> targets = List.copyOf(model.targets());
      checks.add(new SampledReconcileHealth(new Reconciler(model.source(), targets, model.mapper(), clock),
          model.segments(), sample, ThreadLocalRandom.current().nextLong()));
    }
    if (checks.isEmpty()) {
      return () -> HealthCheck.Health.ok("no health check applies: no canary template, and no reconcile");
    }
    return HealthCheck.all(checks.toArray(HealthCheck[]::new));
  }

  private static ObjectNode skippedResync(MigrationReadModel model) {
    return model.mapper().createObjectNode()
        .put("skipped", "the read model's first migration: its rollback dropped the new tables, there is nothing to resync into");
  }
}
