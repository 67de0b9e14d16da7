package io.cqrssuite.migrations;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a {@link MigrationPipeline} run did.
 *
 * @param backupId the backup taken, or {@code null} when the run stopped before it
 * @param applied migrations applied (they stay applied only when {@code status} is {@link Status#COMPLETED})
 * @param stepMillis each step that ran, in order, with its duration
 * @param reason why it did not complete, or {@code null}
 * @param details the steps' own reports: {@code preChecks}, {@code health}, {@code restore}, {@code resync}
 */
public record MigrationResult(
    Status status,
    String backupId,
    int applied,
    String schemaVersionBefore,
    String schemaVersionAfter,
    boolean rolledBack,
    Map<String, Long> stepMillis,
    String reason,
    ObjectNode details) {
  /** How a run ended. */
  public enum Status {
    /** Migrated, validated and healthy. */
    COMPLETED,
    /** Nothing was pending: nothing was backed up or changed. */
    CURRENT,
    /** A pre-check or the backup failed: nothing was changed. */
    REFUSED,
    /** A step after the backup failed; the backup was restored and the resync ran. */
    ROLLED_BACK,
    /** A step after the backup failed and so did the restore (or the resync after it): an operator is needed. */
    ROLLBACK_FAILED
  }

  public MigrationResult {
    stepMillis = Collections.unmodifiableMap(new LinkedHashMap<>(stepMillis));
  }

  public ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode json = mapper.createObjectNode();
    json.put("status", status.name().toLowerCase(Locale.ROOT));
    json.put("backupId", backupId);
    json.put("applied", applied);
    json.put("schemaVersionBefore", schemaVersionBefore);
    json.put("schemaVersionAfter", schemaVersionAfter);
    json.put("rolledBack", rolledBack);
    ObjectNode steps = json.putObject("stepMillis");
    stepMillis.forEach(steps::put);
    json.put("reason", reason);
    json.set("details", details);
    return json;
  }
}
