package io.cqrssuite.deploy;

import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.sync.opensearch.OpenSearchClients;
import io.cqrssuite.sync.opensearch.OpenSearchIndexes;
import io.cqrssuite.sync.opensearch.OpenSearchSettings;
import io.cqrssuite.sync.rds.RdsSettings;
import io.cqrssuite.sync.rds.SchemaMigrations;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * Brings the read models to what this build expects, as a deployment does before any sync runs (a local run does
 * the same at start): the SQL migrations in the jar ({@code db/migration/<dialect>}, from {@code infra/sql}) applied
 * by Flyway when {@code SUITE_RDS_URL} is set, and the OpenSearch index template, first index and aliases
 * ({@link OpenSearchIndexes#ensure()}) when {@code SUITE_OPENSEARCH_ENDPOINT} is set. Both steps are idempotent.
 *
 * <p>The environment is read at {@link #apply()}, not before, so a bad setting fails the step that reports it.
 */
public final class ReadModelSetup {
  private final Map<String, String> env;

  public ReadModelSetup(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /**
   * Migrates and ensures.
   *
   * @return {@code applied}: the migrations applied (0 when the schema was current or there is no relational
   *     read model); {@code searchAlias}: the read alias ensured, when there is an OpenSearch read model
   * @throws IllegalArgumentException when neither read model is configured, or a setting is malformed
   */
  public synchronized Map<String, Object> apply() throws IOException {
    Optional<OpenSearchSettings> search = OpenSearchSettings.fromEnvironment(env);
    if (!RdsSettings.configured(env) && search.isEmpty()) {
      throw new IllegalArgumentException(
          "neither SUITE_RDS_URL nor SUITE_OPENSEARCH_ENDPOINT is set: there is no read model to set up");
    }
    Map<String, Object> data = new LinkedHashMap<>();
    int applied = 0;
    if (RdsSettings.configured(env)) {
      RdsSettings settings = RdsSettings.fromEnvironment(env);
      applied = SchemaMigrations.of(settings).migrate(SchemaMigrations.classpathLocation(settings.dialect()));
    }
    data.put("applied", applied);
    if (search.isPresent()) {
      OpenSearchSettings settings = search.get();
      OpenSearchClient client = OpenSearchClients.create(settings, AwsSettings.fromEnvironment(env).region());
      try {
        new OpenSearchIndexes(
                client, settings.indexNames(), OpenSearchIndexes.template(settings.templateResource()))
            .ensure();
      } finally {
        client._transport().close();
      }
      data.put("searchAlias", settings.indexNames().readAlias());
    }
    return data;
  }
}
