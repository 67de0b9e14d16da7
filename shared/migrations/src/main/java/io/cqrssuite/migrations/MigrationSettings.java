package io.cqrssuite.migrations;

import io.cqrssuite.config.SettingsReader;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How migrations are backed up and bounded, read once from the environment:
 *
 * <ul>
 *   <li>{@code SUITE_BACKUP_BUCKET} (required for a backup): the S3 bucket of the schema backups;
 *   <li>{@code SUITE_BACKUP_PREFIX} (default {@value #DEFAULT_PREFIX}): the key prefix, one folder per backup below it;
 *   <li>{@code SUITE_BACKUP_KMS_KEY_ID}: a KMS key (id, ARN or alias): every object is written with SSE-KMS under it.
 *       Backups hold the read model's rows, personal data included; unset, the bucket's default encryption applies;
 *   <li>{@code SUITE_BACKUP_RETENTION_DAYS} (default 30): what {@link BackupStore#clean} keeps;
 *   <li>{@code SUITE_MIGRATION_LOCK_TIMEOUT_MS} (default 5000): the longest a migration statement waits for a lock;
 *   <li>{@code SUITE_MIGRATION_STATEMENT_TIMEOUT_MS} (default 600000): the longest one migration statement runs;
 *   <li>{@code SUITE_MIGRATION_ATTEMPTS} (default 3): attempts of a migration that timed out, the first included;
 *   <li>{@code SUITE_MIGRATION_BACKOFF_MS} (default 2000): the pause before the second attempt, doubled before each
 *       further one.
 * </ul>
 */
public record MigrationSettings(
    String bucket,
    String prefix,
    String kmsKeyId,
    Duration retention,
    Duration lockTimeout,
    Duration statementTimeout,
    int attempts,
    Duration backoff) {
  public static final String DEFAULT_PREFIX = "schema-backups/";

  public MigrationSettings {
    Objects.requireNonNull(prefix, "prefix");
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      prefix = prefix + "/";
    }
    if (attempts < 1) {
      throw new IllegalArgumentException("SUITE_MIGRATION_ATTEMPTS must be at least 1, found " + attempts);
    }
    for (Duration d : new Duration[] {retention, lockTimeout, statementTimeout}) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("retention and timeouts must be positive, found " + d);
      }
    }
    if (backoff.isNegative()) {
      throw new IllegalArgumentException("SUITE_MIGRATION_BACKOFF_MS must not be negative, found " + backoff);
    }
  }

  public static MigrationSettings fromEnvironment(Map<String, String> env) {
    SettingsReader settings = new SettingsReader(env);
    return new MigrationSettings(
        settings.text("SUITE_BACKUP_BUCKET").orElse(null),
        settings.text("SUITE_BACKUP_PREFIX", DEFAULT_PREFIX),
        settings.text("SUITE_BACKUP_KMS_KEY_ID").orElse(null),
        Duration.ofDays(settings.positiveLong("SUITE_BACKUP_RETENTION_DAYS", 30)),
        Duration.ofMillis(settings.positiveLong("SUITE_MIGRATION_LOCK_TIMEOUT_MS", 5_000)),
        Duration.ofMillis(settings.positiveLong("SUITE_MIGRATION_STATEMENT_TIMEOUT_MS", 600_000)),
        settings.positiveInt("SUITE_MIGRATION_ATTEMPTS", 3),
        Duration.ofMillis(settings.nonNegativeLong("SUITE_MIGRATION_BACKOFF_MS", 2_000)));
  }

  /** The bucket, or a clear error naming the variable. */
  public String requireBucket() {
    if (bucket == null) {
      throw new IllegalArgumentException("SUITE_BACKUP_BUCKET is not set: a migration is never run without a backup");
    }
    return bucket;
  }
}
