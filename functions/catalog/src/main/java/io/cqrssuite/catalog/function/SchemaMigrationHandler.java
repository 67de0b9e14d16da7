package io.cqrssuite.catalog.function;

import io.cqrssuite.deploy.ReadModelSetup;
import io.cqrssuite.deploy.ReadModelSetupHandler;
import io.cqrssuite.sync.opensearch.OpenSearchIndexSetup;
import io.cqrssuite.sync.rds.RdsMigrationSetup;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code SchemaMigrationFunction}: the {@code Custom::SchemaMigration} resource of the catalog stack. It applies the
 * catalog's SQL migrations ({@code db/migration/<dialect>} in this jar) when {@code SUITE_RDS_URL} is set, and puts
 * the products index template ({@code opensearch/products-template.json}) with its first index and aliases when
 * {@code SUITE_OPENSEARCH_ENDPOINT} is set.
 */
public final class SchemaMigrationHandler extends ReadModelSetupHandler {
  public SchemaMigrationHandler() {
    this(System.getenv());
  }

  /** For an in-process invoke with a given environment (the template's variables plus overrides). */
  public SchemaMigrationHandler(Map<String, String> environment) {
    super(environment, steps(environment));
  }

  /** With the time kept back for the answer: tests give the invocation a few seconds only. */
  SchemaMigrationHandler(Map<String, String> environment, Duration responseMargin) {
    super(environment, steps(environment), responseMargin);
  }

  private static List<ReadModelSetup> steps(Map<String, String> environment) {
    return List.of(new RdsMigrationSetup(environment), new OpenSearchIndexSetup(environment));
  }
}
