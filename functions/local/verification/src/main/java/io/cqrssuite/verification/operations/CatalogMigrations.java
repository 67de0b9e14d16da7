package io.cqrssuite.verification.operations;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.alarm.AlarmSink;
import io.cqrssuite.backfill.VersionedReadModel;
import io.cqrssuite.catalog.product.ProductRdsMapping;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.migrations.BackupStore;
import io.cqrssuite.migrations.CanaryHealth;
import io.cqrssuite.migrations.FlywayMigration;
import io.cqrssuite.migrations.FreeStorage;
import io.cqrssuite.migrations.HealthCheck;
import io.cqrssuite.migrations.IndexBackfillMigration;
import io.cqrssuite.migrations.MigrationPipeline;
import io.cqrssuite.migrations.MigrationSettings;
import io.cqrssuite.migrations.PostMigrationChecks;
import io.cqrssuite.migrations.PreChecks;
import io.cqrssuite.migrations.ResyncSince;
import io.cqrssuite.migrations.SampledReconcileHealth;
import io.cqrssuite.operations.ReadModelBackfill;
import io.cqrssuite.operations.Reconciler;
import io.cqrssuite.operations.Resync;
import io.cqrssuite.sync.rds.RdsConnections;
import io.cqrssuite.sync.rds.RdsSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The catalog's migration pipeline over its open places: Flyway over {@code locations} on the relational read model,
 * backups to S3, the product mapping's validation, a health check of a canary product write and a sampled reconcile
 * of both read models, a resync since the backup after a rollback, and, when a new index template is given, the
 * search read model's half as a backfill to a new index version.
 */
public final class CatalogMigrations {
  private final CatalogOperations operations;
  private final RdsSettings rds;
  private final MigrationSettings settings;
  private final S3Client s3;
  private final ObjectMapper mapper;

  public CatalogMigrations(CatalogOperations operations, RdsSettings rds, MigrationSettings settings, S3Client s3, ObjectMapper mapper) {
    this.operations = operations;
    this.rds = rds;
    this.settings = settings;
    this.s3 = s3;
    this.mapper = mapper;
  }

  public RdsConnections connections() {
    return operations.connections().orElseThrow(() -> new IllegalStateException("no relational read model is open"));
  }

  public FlywayMigration flyway(List<String> locations) {
    return new FlywayMigration(rds.url(), rds.user(), rds.passwordSource(), connections().dialect(), locations, settings);
  }

  public BackupStore backups() {
    return new BackupStore(s3, settings, connections(), mapper, Clock.systemUTC());
  }

  public PreChecks preChecks(FlywayMigration flyway) {
    return new PreChecks(connections(), flyway, Duration.ofSeconds(5), Duration.ofSeconds(30), FreeStorage.unknown());
  }

  /**
   * The pipeline.
   *
   * @param searchTemplate the search read model's new index template, or {@code null} for the relational half only
   * @param discovery how long the live sync takes to notice a second target
   */
  public MigrationPipeline pipeline(List<String> locations, ObjectNode searchTemplate, Duration discovery, AlarmSink alarms, int segments) {
    FlywayMigration flyway = flyway(locations);
    RdsConnections connections = connections();
    Reconciler reconciler = new Reconciler(operations.source(), operations.targets(), mapper, Clock.systemUTC());
    HealthCheck health = HealthCheck.all(
        new CanaryHealth(operations.target(CatalogOperations.RDS).orElseThrow(), connections, "product", aProduct(), Clock.systemUTC()),
        new SampledReconcileHealth(reconciler, segments, 25, 7L));
    MigrationPipeline pipeline = new MigrationPipeline(
        preChecks(flyway),
        backups(),
        flyway,
        new PostMigrationChecks(flyway, connections, List.of(ProductRdsMapping.product())),
        health,
        ResyncSince.of(new Resync(operations.source(), operations.targets(), mapper), segments, "updatedAt"),
        alarms,
        mapper);
    if (searchTemplate == null) {
      return pipeline;
    }
    VersionedReadModel search = operations.searchVersions(searchTemplate, discovery);
    ReadModelBackfill.Options options = new ReadModelBackfill.Options(segments, Duration.ofDays(7), Duration.ZERO, 2, "updatedAt", Duration.ofMinutes(5));
    return pipeline.withMapping(new IndexBackfillMigration(new ReadModelBackfill(operations.source(), search, mapper, Clock.systemUTC()), search, options));
  }

  /** A live product of the source table: the canary's shape (its table, partition and image). */
  private ChangeRecord aProduct() {
    List<ChangeRecord> found = new ArrayList<>();
    operations.source().sample(1, 5, 3L, item -> {
      synchronized (found) {
        if (!item.change().deleted()) {
          found.add(item.change());
        }
      }
    });
    if (found.isEmpty()) {
      throw new IllegalStateException("the source table holds no live product to shape the migration's canary on");
    }
    return found.get(0);
  }
}
