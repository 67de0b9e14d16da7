package io.cqrssuite.catalog.function;

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import dagger.multibindings.IntoSet;
import io.cqrssuite.bus.BatchEventHandler;
import io.cqrssuite.config.Environment;
import io.cqrssuite.catalog.product.ProductRdsMapping;
import io.cqrssuite.sync.DataSyncDispatcher;
import io.cqrssuite.sync.DataSyncHandler;
import io.cqrssuite.sync.TombstonePurger;
import io.cqrssuite.sync.opensearch.OpenSearchClients;
import io.cqrssuite.sync.opensearch.OpenSearchIndexes;
import io.cqrssuite.sync.opensearch.OpenSearchSettings;
import io.cqrssuite.sync.opensearch.OpenSearchSyncHandler;
import io.cqrssuite.sync.opensearch.OpenSearchTombstonePurge;
import io.cqrssuite.sync.rds.RdsConnections;
import io.cqrssuite.sync.rds.RdsSchema;
import io.cqrssuite.sync.rds.RdsSettings;
import io.cqrssuite.sync.rds.RdsSyncHandler;
import io.cqrssuite.sync.rds.TombstonePurge;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.inject.Singleton;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * The example's read models: products into PostgreSQL (or MySQL/MariaDB) when {@code SUITE_RDS_URL} is set, and
 * into OpenSearch when {@code SUITE_OPENSEARCH_ENDPOINT} is set, both fed by the {@link DataSyncDispatcher}, each
 * with its tombstone purge for the schedule. A target that is not configured is not registered; a product change
 * that no target takes then fails as unhandled rather than being acknowledged unseen. Nothing here connects at
 * init: connections open on the first batch.
 */
@Module
public interface CatalogSyncModule {
  /** The configured read models: one connection (or client) each, shared by the sync and the purge. */
  record ReadModels(Set<DataSyncHandler> handlers, Set<TombstonePurger> purgers) {}

  @Binds
  @IntoSet
  BatchEventHandler<?> dataSync(DataSyncDispatcher dispatcher);

  @Provides
  @Singleton
  static ReadModels readModels(@Environment Map<String, String> env) {
    Set<DataSyncHandler> handlers = new LinkedHashSet<>();
    Set<TombstonePurger> purgers = new LinkedHashSet<>();
    if (RdsSettings.configured(env)) {
      RdsSettings settings = RdsSettings.fromEnvironment(env);
      RdsConnections connections = RdsConnections.of(settings);
      RdsSchema schema = new RdsSchema(connections, List.of(ProductRdsMapping.product()));
      handlers.add(new RdsSyncHandler(connections, schema, Clock.systemUTC()));
      purgers.add(new TombstonePurge(connections, schema, Clock.systemUTC(), settings.tombstoneRetention()));
    }
    Optional<OpenSearchSettings> search = OpenSearchSettings.fromEnvironment(env);
    if (search.isPresent()) {
      OpenSearchSettings settings = search.get();
      String region = env.getOrDefault("AWS_REGION", env.getOrDefault("AWS_DEFAULT_REGION", "us-east-1"));
      OpenSearchClient client = OpenSearchClients.create(settings, region);
      handlers.add(
          new OpenSearchSyncHandler(client, settings.indexNames(), settings.bulkLimits(), change -> change.pk().startsWith("PRODUCT#")));
      OpenSearchIndexes indexes =
          new OpenSearchIndexes(client, settings.indexNames(), OpenSearchIndexes.template(settings.templateResource()));
      purgers.add(new OpenSearchTombstonePurge(indexes, settings.tombstoneRetention(), Clock.systemUTC()));
    }
    return new ReadModels(Set.copyOf(handlers), Set.copyOf(purgers));
  }

  @Provides
  @ElementsIntoSet
  static Set<DataSyncHandler> targets(ReadModels readModels) {
    return readModels.handlers();
  }

  @Provides
  @ElementsIntoSet
  static Set<TombstonePurger> purgers(ReadModels readModels) {
    return readModels.purgers();
  }
}
