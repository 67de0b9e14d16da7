package io.cqrssuite.migrations;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.alarm.Alarm;
import io.cqrssuite.alarm.AlarmSink;
import io.cqrssuite.alarm.Severity;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A schema migration of the relational read model, step by step: {@link PreChecks} (nothing written yet) →
 * {@link BackupStore#create} → {@link FlywayMigration#migrate} (timeouts, retries) → {@link PostMigrationChecks} →
 * {@link HealthCheck}. Any failure after the backup rolls back: the backup's tables and Flyway's history are restored
 * ({@link RestoreOptions#rollback()}), then {@link ResyncSince} writes again what the live sync wrote since the backup
 * started. An alarm is raised either way: INFO when it completed, CRITICAL when it rolled back (or could not), WARNING
 * when it was refused before changing anything. Nothing pending is no event: no backup, no alarm.
 */
public final class MigrationPipeline {
  static final String HANDLER = "schema-migration";

  private final PreChecks preChecks;
  private final BackupStore backups;
  private final FlywayMigration flyway;
  private final PostMigrationChecks validation;
  private final HealthCheck health;
  private final ResyncSince resync;
  private final AlarmSink alarms;
  private final ObjectMapper mapper;
  private final MappingMigration mapping;

  public MigrationPipeline(
      PreChecks preChecks,
      BackupStore backups,
      FlywayMigration flyway,
      PostMigrationChecks validation,
      HealthCheck health,
      ResyncSince resync,
      AlarmSink alarms,
      ObjectMapper mapper) {
    this.preChecks = preChecks;
    this.backups = backups;
    this.flyway = flyway;
    this.validation = validation;
    this.health = health;
    this.resync = resync;
    this.alarms = alarms;
    this.mapper = mapper;
    this.mapping = null;
  }

  private MigrationPipeline(MigrationPipeline pipeline, MappingMigration mapping) {
    this.preChecks = pipeline.preChecks;
    this.backups = pipeline.backups;
    this.flyway = pipeline.flyway;
    this.validation = pipeline.validation;
    this.health = pipeline.health;
    this.resync = pipeline.resync;
    this.alarms = pipeline.alarms;
    this.mapper = pipeline.mapper;
    this.mapping = mapping;
  }

  /**
   * The same pipeline with the search read model's half: {@code mapping} is applied after the schema is migrated and
   * validated and before the health check, which then sees both; a failure from there on undoes it before the
   * schema is restored. With a mapping, the pipeline runs even when no SQL migration is pending.
   */
  public MigrationPipeline withMapping(MappingMigration mapping) {
    return new MigrationPipeline(this, mapping);
  }

  /** A step that did not pass: its name leads the result's reason. */
  private static final class StepFailed extends Exception {
    StepFailed(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Runs the migration of the schema over {@code tables} (the tables the pending migrations touch: they are backed
   * up and restored; Flyway's history always is). Never throws for a failed step: the result says what happened.
   */
  public MigrationResult run(List<String> tables) {
    Map<String, Long> steps = new LinkedHashMap<>();
    ObjectNode details = mapper.createObjectNode();
    long t0 = System.nanoTime();
    PreCheckReport pre;
    try {
      pre = preChecks.run(tables);
    } catch (Exception e) {
      steps.put("preChecks", millis(t0));
      return refused(null, steps, details, "preChecks: " + MigrationFailure.describe(e));
    }
    steps.put("preChecks", millis(t0));
    details.set("preChecks", pre.toJson(mapper));
    if (!pre.passed()) {
      return refused(null, steps, details, "preChecks: " + String.join("; ", pre.failures()));
    }
    if (pre.pending().isEmpty() && mapping == null) {
      String current = flyway.currentVersion().orElse(null);
      return new MigrationResult(MigrationResult.Status.CURRENT, null, 0, current, current, false, steps, null, details);
    }
    long t1 = System.nanoTime();
    Backup backup;
    try {
      backup = backups.create(tables);
    } catch (Exception e) {
      steps.put("backup", millis(t1));
      return refused(null, steps, details, "backup: " + MigrationFailure.describe(e));
    }
    steps.put("backup", millis(t1));
    int applied = 0;
    String step = "migrate";
    long t2 = System.nanoTime();
    try {
      FlywayMigration.Applied result = flyway.migrate(FlywayMigration.AttemptListener.none());
      applied = result.migrations();
      details.put("migrateAttempts", result.attempts());
      steps.put("migrate", millis(t2));
      step = "validate";
      long t3 = System.nanoTime();
      List<String> failures = validation.check(backup);
      steps.put("validate", millis(t3));
      if (!failures.isEmpty()) {
        throw new StepFailed(String.join("; ", failures));
      }
      if (mapping != null) {
        step = "mapping";
        long tm = System.nanoTime();
        details.set("mapping", mapping.apply());
        steps.put("mapping", millis(tm));
      }
      step = "health";
      long t4 = System.nanoTime();
      HealthCheck.Health answer = health.check();
      steps.put("health", millis(t4));
      details.put("health", answer.detail());
      if (!answer.healthy()) {
        throw new StepFailed(answer.detail());
      }
    } catch (Exception e) {
      steps.putIfAbsent(step, millis(step.equals("migrate") ? t2 : System.nanoTime()));
      String reason = step + ": " + (e instanceof StepFailed || e instanceof MigrationFailedException ? e.getMessage() : MigrationFailure.describe(e));
      return rollBack(backup, applied, steps, details, reason);
    }
    String after = flyway.currentVersion().orElse(null);
    MigrationResult result = new MigrationResult(
        MigrationResult.Status.COMPLETED, backup.id(), applied, backup.schemaVersion(), after, false, steps, null, details);
    raise(Severity.INFO, "MigrationCompleted",
        "schema migrated from version " + backup.schemaVersion() + " to " + after + " (" + applied + " migration(s)); backup "
            + backup.id(), backup.id());
    return result;
  }

  private MigrationResult rollBack(Backup backup, int applied, Map<String, Long> steps, ObjectNode details, String reason) {
    long t0 = System.nanoTime();
    MigrationResult.Status status = MigrationResult.Status.ROLLED_BACK;
    String why = reason;
    if (mapping != null) {
      // Readers back on the previous mapping before the previous schema returns: the two halves are undone in the
      // reverse order they were applied.
      try {
        ObjectNode undone = mapping.undo();
        if (undone != null) {
          details.set("mappingRollback", undone);
        }
      } catch (Exception e) {
        status = MigrationResult.Status.ROLLBACK_FAILED;
        why = reason + "; moving " + mapping.name() + " back failed (move its aliases by hand): " + MigrationFailure.describe(e);
      }
      steps.put("mappingRollback", millis(t0));
    }
    boolean restoredTables = false;
    try {
      Restored restored = backups.restore(backup.id(), RestoreOptions.rollback());
      steps.put("rollback", millis(t0));
      ObjectNode restore = details.putObject("restore");
      restored.rows().forEach(restore.putObject("rows")::put);
      restored.dropped().forEach(restore.putArray("dropped")::add);
      restoredTables = true;
    } catch (Exception e) {
      steps.put("rollback", millis(t0));
      status = MigrationResult.Status.ROLLBACK_FAILED;
      why = why + "; the rollback failed too, restore backup " + backup.id() + " by hand: " + MigrationFailure.describe(e);
    }
    if (restoredTables) {
      long t1 = System.nanoTime();
      try {
        Instant since = backup.startedAt();
        ObjectNode resynced = resync.resync(since);
        details.set("resync", resynced);
        if (resynced != null && resynced.has("complete") && !resynced.path("complete").asBoolean()) {
          status = MigrationResult.Status.ROLLBACK_FAILED;
          why = why + "; restored, but the resync since " + since + " did not complete: run it again";
        }
      } catch (Exception e) {
        status = MigrationResult.Status.ROLLBACK_FAILED;
        why = why + "; restored, but the resync since " + backup.startedAt() + " failed (run it again): "
            + MigrationFailure.describe(e);
      }
      steps.put("resync", millis(t1));
    }
    String after;
    try {
      after = flyway.currentVersion().orElse(null);
    } catch (RuntimeException e) {
      after = "unknown: " + e.getMessage();
    }
    raise(Severity.CRITICAL, status == MigrationResult.Status.ROLLED_BACK ? "MigrationRolledBack" : "MigrationRollbackFailed",
        "schema migration rolled back to version " + backup.schemaVersion() + " (backup " + backup.id() + "): " + why, backup.id());
    return new MigrationResult(status, backup.id(), applied, backup.schemaVersion(), after, true, steps, why, details);
  }

  private MigrationResult refused(String backupId, Map<String, Long> steps, ObjectNode details, String reason) {
    String version;
    try {
      version = flyway.currentVersion().orElse(null);
    } catch (RuntimeException e) {
      version = null;
    }
    raise(Severity.WARNING, "MigrationRefused", "schema migration not started, nothing was changed: " + reason, backupId);
    return new MigrationResult(MigrationResult.Status.REFUSED, backupId, 0, version, version, false, steps, reason, details);
  }

  private void raise(Severity severity, String what, String message, String backupId) {
    alarms.raise(List.of(new Alarm(severity, alarms.source(), HANDLER, what, message, backupId == null ? List.of() : List.of(backupId), 1)));
  }

  private static long millis(long since) {
    return (System.nanoTime() - since) / 1_000_000;
  }
}
