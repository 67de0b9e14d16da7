package io.cqrssuite.catalog.function;

import io.cqrssuite.deploy.ReadModelSetup;
import io.cqrssuite.deploy.ReadModelSetupHandler;
import io.cqrssuite.deploy.StackStatus;
import io.cqrssuite.migrations.deploy.CloudFormationStackStatus;
import io.cqrssuite.migrations.deploy.DeployTimeMigration;
import io.cqrssuite.sync.opensearch.OpenSearchIndexSetup;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code SchemaMigrationFunction}: the {@code Custom::SchemaMigration} resource of the catalog stack. When
 * {@code SUITE_RDS_URL} is set it migrates the relational read model with the migration pipeline
 * ({@link DeployTimeMigration}: backup to {@code SUITE_BACKUP_BUCKET}, Flyway, validate, health check, automatic
 * rollback), from the catalog's SQL migrations ({@code db/migration/<dialect>} in this jar); when
 * {@code SUITE_OPENSEARCH_ENDPOINT} is set it puts the products index template ({@code opensearch/products-template.json})
 * with its first index and aliases. An {@code Update} sent while CloudFormation rolls the stack back does nothing
 * ({@link CloudFormationStackStatus}).
 */
public final class SchemaMigrationHandler extends ReadModelSetupHandler {
  public SchemaMigrationHandler() {
    this(System.getenv());
  }

  /** For an in-process invoke with a given environment (the template's variables plus overrides). */
  public SchemaMigrationHandler(Map<String, String> environment) {
    this(environment, CloudFormationStackStatus.fromEnvironment(environment), DEFAULT_RESPONSE_MARGIN);
  }

  /** With the time kept back for the answer: tests give the invocation a few seconds only. */
  SchemaMigrationHandler(Map<String, String> environment, Duration responseMargin) {
    this(environment, CloudFormationStackStatus.fromEnvironment(environment), responseMargin);
  }

  private SchemaMigrationHandler(Map<String, String> environment, StackStatus stacks, Duration responseMargin) {
    super(environment, steps(environment), stacks, responseMargin);
  }

  private static List<ReadModelSetup> steps(Map<String, String> environment) {
    // The graph is built per migration: a deploy runs one, and a failed build is that deploy's answer.
    DeployTimeMigration migration =
        new DeployTimeMigration(environment, () -> SchemaMigrationComponent.create(environment).migrationReadModel());
    return List.of(migration, new OpenSearchIndexSetup(environment));
  }
}
