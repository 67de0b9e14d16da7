package io.cqrssuite.catalog.function;

import com.fasterxml.jackson.databind.ObjectMapper;
import dagger.Lazy;
import dagger.Module;
import dagger.Provides;
import io.cqrssuite.alarm.AlarmSink;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.backfill.VersionedReadModel;
import io.cqrssuite.catalog.operations.BackfillSettings;
import io.cqrssuite.catalog.operations.BackfillSteps;
import io.cqrssuite.catalog.operations.OperationsMetrics;
import io.cqrssuite.catalog.operations.OperationsSettings;
import io.cqrssuite.catalog.operations.ResyncSegments;
import io.cqrssuite.catalog.operations.ScheduledReconcile;
import io.cqrssuite.command.CommandImages;
import io.cqrssuite.config.Environment;
import io.cqrssuite.entity.TableMapping;
import io.cqrssuite.entity.TableMappings;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.operations.ReadModelBackfill;
import io.cqrssuite.operations.Resync;
import io.cqrssuite.operations.SourceTable;
import io.cqrssuite.reconcile.ReconcileTarget;
import io.cqrssuite.sync.opensearch.OpenSearchBackfill;
import io.cqrssuite.sync.opensearch.OpenSearchIndexes;
import io.cqrssuite.sync.opensearch.OpenSearchSettings;
import io.cqrssuite.sync.opensearch.OpenSearchSyncModule.OpenSearchReadModel;
import io.cqrssuite.sync.opensearch.PolledReindex;
import io.cqrssuite.sync.rds.RdsSyncModule.RdsReadModel;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import javax.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What resync and reconcile need, from the graph the live sync is built from: the source table with the mapping of
 * {@code SUITE_TABLE_MAPPINGS}, offloaded attributes resolved by the command side's reader, and every configured read
 * model as a reconcile target writing through its own sync. Nothing connects at init: the source table, clients and
 * targets are built at the first request.
 */
@Module
public interface OperationsModule {
  /**
   * The catalog's read models are fed from the command table's stream, whose images carry the versioned sort key
   * ({@code code@0000000003}) and the command's TTL; the data table they are compared with holds the plain code and
   * no TTL. Those attributes are left out of the content compared.
   */
  Set<String> FED_FROM_COMMANDS = Set.of("sk", "ttl");

  /** The backfill's tombstone copy ends well before the function's 15 minutes, leaving the reconcile its time. */
  Duration TOMBSTONE_COPY = Duration.ofMinutes(5);

  @Provides
  @Singleton
  static OperationsSettings operationsSettings(@Environment Map<String, String> env) {
    return OperationsSettings.fromEnvironment(env);
  }

  /** Scans and checkpoints are retried by the SDK: nothing else retries them, and a throttled page is common. */
  @Provides
  @Singleton
  static DynamoDbClient operationsDynamoDb(AwsClients clients) {
    return clients.configureWithSdkRetries(DynamoDbClient.builder(), "DYNAMODB").build();
  }

  @Provides
  @Singleton
  static SourceTable sourceTable(
      OperationsSettings settings, TableMappings mappings, Optional<CommandImages> images, DynamoDbClient dynamoDb) {
    String table = settings.requireSourceTable();
    TableMapping mapping = mappings.forTable(table).orElseThrow(() -> new IllegalStateException(
        "the source table " + table + " has no mapping in SUITE_TABLE_MAPPINGS: resync and reconcile read it as the sync"
            + " would, so map it there"));
    UnaryOperator<com.fasterxml.jackson.databind.node.ObjectNode> resolver =
        images.<UnaryOperator<com.fasterxml.jackson.databind.node.ObjectNode>>map(i -> i::resolve).orElse(UnaryOperator.identity());
    return new SourceTable(dynamoDb, mapping, resolver);
  }

  @Provides
  @Singleton
  static List<ReconcileTarget> reconcileTargets(Optional<RdsReadModel> rds, Optional<OpenSearchReadModel> openSearch) {
    List<ReconcileTarget> targets = new ArrayList<>();
    rds.ifPresent(r -> targets.addAll(r.reconcileTargets(FED_FROM_COMMANDS)));
    openSearch.ifPresent(o -> targets.add(o.reconcileTarget(FED_FROM_COMMANDS)));
    if (targets.isEmpty()) {
      throw new IllegalStateException(
          "no read model is configured (SUITE_RDS_URL, SUITE_OPENSEARCH_ENDPOINT): there is nothing to resync or reconcile");
    }
    return List.copyOf(targets);
  }

  @Provides
  @Singleton
  static Resync resync(SourceTable source, List<ReconcileTarget> targets, ObjectMapper mapper) {
    return new Resync(source, targets, mapper);
  }

  /** On the logs' stream, as the entrypoint's invocation metrics are. */
  @Provides
  @Singleton
  static OperationsMetrics operationsMetrics(@Environment Map<String, String> env) {
    return new OperationsMetrics(env, System.err, Clock.systemUTC());
  }

  @Provides
  @Singleton
  static ResyncSegments resyncSegments(
      Lazy<SourceTable> source,
      Lazy<Resync> resync,
      Lazy<ReadModelBackfill> backfill,
      Lazy<DynamoDbClient> dynamoDb,
      OperationsSettings settings,
      OperationsMetrics metrics,
      StructuredLog log) {
    return new ResyncSegments(source::get, resync::get, backfill::get, dynamoDb::get, settings, metrics, log, Clock.systemUTC());
  }

  /**
   * The search read model as versions, for the workflow's backfill: the next index from the function's index template
   * ({@code SUITE_OPENSEARCH_TEMPLATE}), the live sync's discovery interval from {@code
   * SUITE_OPENSEARCH_BACKFILL_CHECK_SECONDS} (the event factory's value, set on this function too), and the tombstone
   * copy bounded well inside one invocation.
   */
  @Provides
  @Singleton
  static ReadModelBackfill readModelBackfill(
      @Environment Map<String, String> env, SourceTable source, Optional<OpenSearchReadModel> openSearch, ObjectMapper mapper) {
    OpenSearchReadModel search = openSearch.orElseThrow(() -> new IllegalStateException(
        "a backfill needs the search read model, and SUITE_OPENSEARCH_ENDPOINT is not set on this function"));
    OpenSearchSettings settings = OpenSearchSettings.fromEnvironment(env).orElseThrow();
    OpenSearchIndexes indexes =
        new OpenSearchIndexes(search.client(), search.names(), OpenSearchIndexes.template(settings.templateResource()));
    VersionedReadModel model = new OpenSearchBackfill(indexes, search.reconcileTarget(FED_FROM_COMMANDS),
        settings.backfillCheck(), PolledReindex.Options.defaults().within(TOMBSTONE_COPY));
    return new ReadModelBackfill(source, model, mapper, Clock.systemUTC());
  }

  @Provides
  @Singleton
  static BackfillSteps backfillSteps(
      Lazy<ReadModelBackfill> backfill, @Environment Map<String, String> env, OperationsSettings settings, StructuredLog log) {
    return new BackfillSteps(backfill::get, BackfillSettings.fromEnvironment(env), settings, log);
  }

  @Provides
  @Singleton
  static ScheduledReconcile scheduledReconcile(
      Lazy<SourceTable> source,
      Lazy<List<ReconcileTarget>> targets,
      OperationsSettings settings,
      AlarmSink alarms,
      OperationsMetrics metrics,
      StructuredLog log,
      ObjectMapper mapper) {
    return new ScheduledReconcile(source::get, targets::get, settings, alarms, metrics, log, mapper, Clock.systemUTC());
  }
}
