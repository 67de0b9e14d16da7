package io.cqrssuite.migrations.deploy;

import io.cqrssuite.migrations.MigrationResult;
import java.util.Locale;

/**
 * A deploy-time migration that did not complete: refused before anything changed, rolled back, or with a rollback
 * that failed. Its message (the CloudFormation answer's reason) is the pipeline's status and reason, and the backup.
 */
final class MigrationNotAppliedException extends Exception {
  private static final long serialVersionUID = 1L;

  MigrationNotAppliedException(MigrationResult result) {
    super("schema migration " + result.status().name().toLowerCase(Locale.ROOT) + " at version "
        + result.schemaVersionAfter() + ": " + result.reason()
        + (result.backupId() == null ? "" : " (backup " + result.backupId() + ")"), null, false, false);
  }
}
