package io.cqrssuite.verification.workload;

import io.cqrssuite.sync.opensearch.OpenSearchClients;
import io.cqrssuite.sync.opensearch.OpenSearchIndexes;
import io.cqrssuite.sync.opensearch.OpenSearchSettings;
import io.cqrssuite.sync.rds.PasswordSource;
import io.cqrssuite.sync.rds.SchemaMigrations;
import io.cqrssuite.sync.rds.SqlDialect;
import io.cqrssuite.testing.engine.PostgresEngine;
import io.cqrssuite.testing.engine.TestEngines;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * An empty database, migrated, and an empty index behind its aliases, on the build's shared engines: what a run
 * would start for itself, without starting an engine per test.
 */
public final class FreshReadModels {
  private FreshReadModels() {}

  /** The SUITE_RDS_* and SUITE_OPENSEARCH_* variables pointing at them. */
  public static Map<String, String> create(String prefix) throws Exception {
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    PostgresEngine postgres = TestEngines.postgres();
    String jdbcUrl = postgres.createDatabase(prefix + "_" + suffix);
    new SchemaMigrations(jdbcUrl, postgres.user(), PasswordSource.fixed(postgres.password()))
        .migrate(SchemaMigrations.classpathLocation(SqlDialect.forJdbcUrl(jdbcUrl)));
    Map<String, String> engines = new LinkedHashMap<>();
    engines.put("SUITE_RDS_URL", jdbcUrl);
    engines.put("SUITE_RDS_USER", postgres.user());
    engines.put("SUITE_RDS_PASSWORD", postgres.password());
    engines.put("SUITE_RDS_IAM_AUTH", "false");
    engines.put("SUITE_RDS_SECRET_ARN", "");
    engines.put("SUITE_OPENSEARCH_ENDPOINT", TestEngines.openSearch().endpoint().toString().replaceAll("/+$", ""));
    engines.put("SUITE_OPENSEARCH_SIGV4", "false");
    engines.put("SUITE_OPENSEARCH_INDEX", prefix + suffix);
    engines.put("SUITE_OPENSEARCH_TEMPLATE", "opensearch/products-template.json");
    OpenSearchSettings search = OpenSearchSettings.fromEnvironment(engines).orElseThrow();
    new OpenSearchIndexes(OpenSearchClients.create(search, "us-east-1"), search.indexNames(), OpenSearchIndexes.template(search.templateResource()))
        .ensure();
    return engines;
  }
}
