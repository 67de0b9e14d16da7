package io.cqrssuite.verification.importrun;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.alarm.Alarm;
import io.cqrssuite.alarm.AlarmSink;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.migrations.MigrationPipeline;
import io.cqrssuite.migrations.MigrationResult;
import io.cqrssuite.migrations.MigrationSettings;
import io.cqrssuite.sync.opensearch.OpenSearchSettings;
import io.cqrssuite.sync.rds.RdsSettings;
import io.cqrssuite.sync.rds.SchemaMigrations;
import io.cqrssuite.verification.cloud.LocalCloud;
import io.cqrssuite.verification.operations.CatalogMigrations;
import io.cqrssuite.verification.operations.CatalogOperations;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * The run's migration stage (issue 13, point 6): two migrations of both read models through the migration pipeline,
 * after the reconcile stage. Each adds a column to the relational model (Flyway) and a field to the search model's
 * index template (a new index version, backfilled from the data table and swapped to). The first completes; the
 * second adds a rule no product name can meet, so its health check's canary write fails and the pipeline rolls back:
 * the search aliases move back to the first migration's index, the schema to its version, and what changed since
 * the backup is resynced. Its migrations are the run's own ({@code run-migrations/} on this module's classpath), never
 * the example's shipped schema.
 */
final class MigrationStage {
  private static final ObjectMapper JSON = EventJson.newMapper();
  private static final String RUN_MIGRATIONS = "classpath:run-migrations/";

  private MigrationStage() {}

  /** What the stage did, for the run's summary. */
  record Report(boolean migrated, boolean rolledBack, String schemaVersionAfterRollback, String readIndexAfterRollback,
      String expectedVersion, String expectedIndex, double seconds) {
    boolean ok() {
      return migrated && rolledBack && expectedVersion.equals(schemaVersionAfterRollback) && expectedIndex.equals(readIndexAfterRollback);
    }
  }

  static Report run(LocalCloud cloud, Map<String, String> functionEnv, PrintStream out) throws Exception {
    long t0 = System.nanoTime();
    Map<String, String> env = new HashMap<>(functionEnv);
    env.putAll(cloud.environment());
    env.put("SUITE_BACKUP_BUCKET", LocalCloud.BACKUP_BUCKET);
    RdsSettings rds = RdsSettings.fromEnvironment(env);
    MigrationSettings settings = MigrationSettings.fromEnvironment(env);
    try (CatalogOperations operations = CatalogOperations.open(env, null, Set.of(CatalogOperations.RDS, CatalogOperations.OPENSEARCH))) {
      CatalogMigrations migrations = new CatalogMigrations(operations, rds, settings, cloud.s3(), JSON);
      Alarms alarms = new Alarms(out);

      MigrationResult first = pipeline(migrations, operations, alarms, List.of("add-column"), "origin").run(List.of("product"));
      String indexAfterFirst = readIndex(env);
      boolean migrated = first.status() == MigrationResult.Status.COMPLETED && "9001".equals(first.schemaVersionAfter())
          && indexAfterFirst.endsWith("-v2");
      out.printf("migrate    %s: schema %s -> %s (+ column origin), search %s (+ field origin) in %.2f s%n",
          first.status().name().toLowerCase(), first.schemaVersionBefore(), first.schemaVersionAfter(), indexAfterFirst,
          first.stepMillis().values().stream().mapToLong(Long::longValue).sum() / 1000.0);
      if (!migrated) {
        out.println("  migration: " + first.toJson(JSON));
      }

      MigrationResult second =
          pipeline(migrations, operations, alarms, List.of("add-column", "health-fails"), "origin_country").run(List.of("product"));
      String indexAfterSecond = readIndex(env);
      boolean rolledBack = second.status() == MigrationResult.Status.ROLLED_BACK;
      out.printf("migrate    %s: %s; schema back at %s, search back on %s in %.2f s%n",
          second.status().name().toLowerCase(), second.reason(), second.schemaVersionAfter(), indexAfterSecond,
          second.stepMillis().values().stream().mapToLong(Long::longValue).sum() / 1000.0);
      if (!rolledBack) {
        out.println("  migration: " + second.toJson(JSON));
      }
      return new Report(migrated, rolledBack, second.schemaVersionAfter(), indexAfterSecond, first.schemaVersionAfter(), indexAfterFirst,
          (System.nanoTime() - t0) / 1e9);
    }
  }

  /** The shipped migrations and the run's own {@code runMigrations}; the index template with {@code newField} added. */
  private static MigrationPipeline pipeline(
      CatalogMigrations migrations, CatalogOperations operations, AlarmSink alarms, List<String> runMigrations, String newField) {
    String dialect = migrations.connections().dialect().name();
    List<String> locations = new ArrayList<>(List.of(SchemaMigrations.classpathLocation(migrations.connections().dialect())));
    runMigrations.forEach(m -> locations.add(RUN_MIGRATIONS + dialect + "/" + m));
    ObjectNode changed = operations.searchTemplate();
    changed.with("template").with("mappings").with("properties").putObject(newField).put("type", "keyword");
    // No live sync runs during this stage, so nothing has to notice the second target: a second is plenty.
    return migrations.pipeline(locations, changed, Duration.ofSeconds(1), alarms, 2);
  }

  /** The concrete index the read alias points to now. */
  private static String readIndex(Map<String, String> env) throws Exception {
    OpenSearchSettings settings = OpenSearchSettings.fromEnvironment(env).orElseThrow();
    OpenSearchClient client = io.cqrssuite.sync.opensearch.OpenSearchClients.create(settings, "us-east-1");
    try {
      return client.indices().getAlias(a -> a.name(settings.indexNames().readAlias())).result().keySet().iterator().next();
    } finally {
      client._transport().close();
    }
  }

  /** The run's alarm topic: one line per alarm on the run's screen. */
  private record Alarms(PrintStream out) implements AlarmSink {
    @Override
    public String source() {
      return LocalCloud.FUNCTION_NAME;
    }

    @Override
    public void raise(Collection<Alarm> alarms) {
      alarms.forEach(a -> out.printf("  alarm %s %s%n", a.severity(), a.errorClass()));
    }
  }
}
