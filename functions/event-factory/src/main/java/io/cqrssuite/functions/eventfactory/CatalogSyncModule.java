package io.cqrssuite.functions.eventfactory;

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import dagger.multibindings.IntoSet;
import io.cqrssuite.bus.BatchEventHandler;
import io.cqrssuite.entrypoint.Environment;
import io.cqrssuite.example.catalog.ProductRdsMapping;
import io.cqrssuite.sync.DataSyncDispatcher;
import io.cqrssuite.sync.DataSyncHandler;
import io.cqrssuite.sync.opensearch.OpenSearchClients;
import io.cqrssuite.sync.opensearch.OpenSearchSettings;
import io.cqrssuite.sync.opensearch.OpenSearchSyncHandler;
import io.cqrssuite.sync.rds.RdsConnections;
import io.cqrssuite.sync.rds.RdsSchema;
import io.cqrssuite.sync.rds.RdsSettings;
import io.cqrssuite.sync.rds.RdsSyncHandler;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.inject.Singleton;

/**
 * The example's read models: products into PostgreSQL (or MySQL/MariaDB) when {@code SUITE_RDS_URL} is set, and
 * into OpenSearch when {@code SUITE_OPENSEARCH_ENDPOINT} is set, both fed by the {@link DataSyncDispatcher}. A target
 * that is not configured is not registered; a product change that no target takes then fails as unhandled rather
 * than being acknowledged unseen. Nothing here connects at init: connections open on the first batch.
 */
@Module
public interface CatalogSyncModule {
  @Binds
  @IntoSet
  BatchEventHandler<?> dataSync(DataSyncDispatcher dispatcher);

  @Provides
  @Singleton
  @ElementsIntoSet
  static Set<DataSyncHandler> targets(@Environment Map<String, String> env) {
    Set<DataSyncHandler> targets = new LinkedHashSet<>();
    if (RdsSettings.configured(env)) {
      RdsSettings settings = RdsSettings.fromEnvironment(env);
      RdsConnections connections = RdsConnections.of(settings);
      targets.add(new RdsSyncHandler(connections, new RdsSchema(connections, List.of(ProductRdsMapping.product())), Clock.systemUTC()));
    }
    Optional<OpenSearchSettings> search = OpenSearchSettings.fromEnvironment(env);
    if (search.isPresent()) {
      OpenSearchSettings settings = search.get();
      String region = env.getOrDefault("AWS_REGION", env.getOrDefault("AWS_DEFAULT_REGION", "us-east-1"));
      targets.add(
          new OpenSearchSyncHandler(
              OpenSearchClients.create(settings, region),
              settings.indexNames(),
              settings.bulkLimits(),
              change -> change.pk().startsWith("PRODUCT#")));
    }
    return targets;
  }
}
