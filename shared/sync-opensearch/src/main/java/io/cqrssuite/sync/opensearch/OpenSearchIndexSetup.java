package io.cqrssuite.sync.opensearch;

import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.deploy.ReadModelSetup;
import java.util.Map;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * The OpenSearch read model's deploy-time step: puts the index template of {@code SUITE_OPENSEARCH_TEMPLATE} (by
 * default {@code opensearch/<index>-template.json} in the function's own resources) and creates the first index
 * with its read and write aliases ({@link OpenSearchIndexes#ensure()}). Configured when
 * {@code SUITE_OPENSEARCH_ENDPOINT} is set; adds {@code searchAlias}, the read alias, to the result.
 */
public final class OpenSearchIndexSetup implements ReadModelSetup {
  private final Map<String, String> env;

  public OpenSearchIndexSetup(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  @Override
  public boolean configured() {
    return OpenSearchSettings.configured(env);
  }

  @Override
  public String configuredBy() {
    return "SUITE_OPENSEARCH_ENDPOINT";
  }

  @Override
  public void apply(Map<String, Object> result) throws Exception {
    OpenSearchSettings settings = OpenSearchSettings.fromEnvironment(env).orElseThrow();
    OpenSearchClient client = OpenSearchClients.create(settings, AwsSettings.fromEnvironment(env).region());
    try {
      new OpenSearchIndexes(client, settings.indexNames(), OpenSearchIndexes.template(settings.templateResource()))
          .ensure();
    } finally {
      client._transport().close();
    }
    result.put("searchAlias", settings.indexNames().readAlias());
  }
}
