package io.cqrssuite.verification.importrun;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.alarm.Alarm;
import io.cqrssuite.alarm.AlarmSink;
import io.cqrssuite.backfill.VersionedReadModel;
import io.cqrssuite.catalog.product.ProductRdsMapping;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.migrations.BackupStore;
import io.cqrssuite.migrations.CanaryHealth;
import io.cqrssuite.migrations.FlywayMigration;
import io.cqrssuite.migrations.FreeStorage;
import io.cqrssuite.migrations.HealthCheck;
import io.cqrssuite.migrations.IndexBackfillMigration;
import io.cqrssuite.migrations.MigrationPipeline;
import io.cqrssuite.migrations.MigrationResult;
import io.cqrssuite.migrations.MigrationSettings;
import io.cqrssuite.migrations.PostMigrationChecks;
import io.cqrssuite.migrations.PreChecks;
import io.cqrssuite.migrations.ResyncSince;
import io.cqrssuite.migrations.SampledReconcileHealth;
import io.cqrssuite.operations.ReadModelBackfill;
import io.cqrssuite.operations.Reconciler;
import io.cqrssuite.operations.Resync;
import io.cqrssuite.operations.SourceTable;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.reconcile.ReconcileTarget;
import io.cqrssuite.sync.opensearch.OpenSearchSettings;
import io.cqrssuite.sync.rds.RdsConnections;
import io.cqrssuite.sync.rds.RdsSettings;
import io.cqrssuite.sync.rds.SchemaMigrations;
import io.cqrssuite.verification.cloud.LocalCloud;
import io.cqrssuite.verification.operations.CatalogOperations;
import java.io.PrintStream;
import java.time.Clock;
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
      RdsConnections connections = operations.connections().orElseThrow();
      ReconcileTarget rows = operations.target(CatalogOperations.RDS).orElseThrow();
      ChangeRecord template = aProduct(operations.source());
      Alarms alarms = new Alarms(out);

      MigrationResult first = pipeline(operations, connections, rds, settings, cloud, template, alarms, List.of("add-column"), "origin")
          .run(List.of("product"));
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
          pipeline(operations, connections, rds, settings, cloud, template, alarms, List.of("add-column", "health-fails"), "origin_country")
              .run(List.of("product"));
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

  private static MigrationPipeline pipeline(
      CatalogOperations operations, RdsConnections connections, RdsSettings rds, MigrationSettings settings, LocalCloud cloud,
      ChangeRecord template, AlarmSink alarms, List<String> runMigrations, String newField) {
    List<String> locations = new ArrayList<>(List.of(SchemaMigrations.classpathLocation(connections.dialect())));
    runMigrations.forEach(m -> locations.add(RUN_MIGRATIONS + connections.dialect().name() + "/" + m));
    FlywayMigration flyway = new FlywayMigration(rds.url(), rds.user(), rds.passwordSource(), connections.dialect(), locations, settings);
    Reconciler reconciler = new Reconciler(operations.source(), operations.targets(), JSON, Clock.systemUTC());
    HealthCheck health = HealthCheck.all(
        new CanaryHealth(operations.target(CatalogOperations.RDS).orElseThrow(), connections, "product", template, Clock.systemUTC()),
        new SampledReconcileHealth(reconciler, 2, 25, 7L));
    ObjectNode changed = operations.searchTemplate();
    changed.with("template").with("mappings").with("properties").putObject(newField).put("type", "keyword");
    // No live sync runs during this stage, so nothing has to notice the second target: a second is plenty.
    VersionedReadModel search = operations.searchVersions(changed, Duration.ofSeconds(1));
    ReadModelBackfill.Options backfillOptions =
        new ReadModelBackfill.Options(2, Duration.ofDays(7), Duration.ZERO, 2, "updatedAt", Duration.ofMinutes(5));
    return new MigrationPipeline(
            new PreChecks(connections, flyway, Duration.ofSeconds(5), Duration.ofSeconds(30), FreeStorage.unknown()),
            new BackupStore(cloud.s3(), settings, connections, JSON, Clock.systemUTC()),
            flyway,
            new PostMigrationChecks(flyway, connections, List.of(ProductRdsMapping.product())),
            health,
            ResyncSince.of(new Resync(operations.source(), operations.targets(), JSON), 2, "updatedAt"),
            alarms,
            JSON)
        .withMapping(new IndexBackfillMigration(new ReadModelBackfill(operations.source(), search, JSON, Clock.systemUTC()), search, backfillOptions));
  }

  /** A live product of the data table: the canary's shape (its table, partition and image). */
  private static ChangeRecord aProduct(SourceTable source) {
    List<ChangeRecord> found = new ArrayList<>();
    source.sample(1, 5, 3L, item -> {
      synchronized (found) {
        if (!item.change().deleted()) {
          found.add(item.change());
        }
      }
    });
    if (found.isEmpty()) {
      throw new IllegalStateException("the data table holds no live product to shape the migration's canary on");
    }
    return found.get(0);
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
