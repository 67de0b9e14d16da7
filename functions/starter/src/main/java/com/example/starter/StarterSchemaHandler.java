package com.example.starter;

import io.cqrssuite.deploy.ReadModelSetupHandler;
import io.cqrssuite.sync.rds.RdsMigrationSetup;
import java.util.List;
import java.util.Map;

/**
 * The {@code Custom::SchemaMigration} resource of {@code template.yaml}: at deploy time it applies this jar's SQL
 * migrations ({@code db/migration/postgresql}) to the database of {@code SUITE_RDS_URL}, before the first stream
 * batch needs the {@code todo} table. Running it again applies only what is new.
 */
public final class StarterSchemaHandler extends ReadModelSetupHandler {
  public StarterSchemaHandler() {
    this(System.getenv());
  }

  public StarterSchemaHandler(Map<String, String> environment) {
    super(environment, List.of(new RdsMigrationSetup(environment)));
  }
}
