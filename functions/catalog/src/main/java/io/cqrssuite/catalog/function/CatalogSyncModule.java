package io.cqrssuite.catalog.function;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
import io.cqrssuite.catalog.product.ProductRdsMapping;
import io.cqrssuite.sync.ChangeSelector;
import io.cqrssuite.sync.opensearch.OpenSearchSyncModule;
import io.cqrssuite.sync.opensearch.SearchDocuments;
import io.cqrssuite.sync.rds.RdsSyncModule;
import io.cqrssuite.sync.rds.RdsTableMapping;

/**
 * The catalog's read models: products into PostgreSQL (or MySQL/MariaDB) when {@code SUITE_RDS_URL} is set, and
 * into OpenSearch when {@code SUITE_OPENSEARCH_ENDPOINT} is set. A read model that is not configured is not
 * registered; a product change that no target takes then fails as unhandled rather than being acknowledged unseen.
 */
@Module(includes = {RdsSyncModule.class, OpenSearchSyncModule.class})
public interface CatalogSyncModule {
  @Provides
  @IntoSet
  static RdsTableMapping productTable() {
    return ProductRdsMapping.product();
  }

  @Provides
  @SearchDocuments
  static ChangeSelector productDocuments() {
    return new ChangeSelector.PkPrefix("PRODUCT#");
  }
}
