package io.cqrssuite.migrations.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.alarm.AlarmSink;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.operations.SourceTable;
import io.cqrssuite.reconcile.ReconcileTarget;
import io.cqrssuite.sync.rds.RdsConnections;
import io.cqrssuite.sync.rds.RdsTableMapping;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What a deploy-time migration takes from the function's own graph, the one its live sync and its operations are
 * built from: the relational read model's connections and mapped tables, each table's reconcile target writing
 * through the live sync, the source those tables are fed from, and where backups and alarms go.
 *
 * @param mappings the mapped tables: they are the tables backed up and restored
 * @param targets one reconcile target per mapping, in the same order ({@code RdsReadModel.reconcileTargets})
 * @param canaries per table, a change its mapping takes to model the canary on ({@code CanaryHealth}); a table without
 *     one gets no canary
 * @param segments scan segments of the sampled reconcile and of the resync after a rollback
 * @param changedAttribute the source items' ISO-8601 change time, which the resync after a rollback selects by
 */
public record MigrationReadModel(
    RdsConnections connections,
    List<RdsTableMapping> mappings,
    List<? extends ReconcileTarget> targets,
    Map<String, ChangeRecord> canaries,
    SourceTable source,
    int segments,
    String changedAttribute,
    S3Client s3,
    AlarmSink alarms,
    ObjectMapper mapper) {
  public MigrationReadModel {
    mappings = List.copyOf(mappings);
    targets = List.copyOf(targets);
    canaries = Map.copyOf(canaries);
    if (mappings.size() != targets.size()) {
      throw new IllegalArgumentException(
          "one reconcile target per mapped table: " + mappings.size() + " table(s), " + targets.size() + " target(s)");
    }
    if (segments < 1) {
      throw new IllegalArgumentException("segments must be at least 1, found " + segments);
    }
  }
}
