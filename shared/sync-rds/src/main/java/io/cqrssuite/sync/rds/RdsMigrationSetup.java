package io.cqrssuite.sync.rds;

import io.cqrssuite.deploy.ReadModelSetup;
import java.util.Map;

/**
 * The relational read model's deploy-time step: applies the SQL migrations of {@code SUITE_RDS_MIGRATIONS} (by
 * default {@code db/migration/<dialect>} in the function's own resources) with Flyway. Configured when
 * {@code SUITE_RDS_URL} is set; adds {@code applied}, the number of migrations applied, to the result.
 */
public final class RdsMigrationSetup implements ReadModelSetup {
  private final Map<String, String> env;

  public RdsMigrationSetup(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  @Override
  public boolean configured() {
    return RdsSettings.configured(env);
  }

  @Override
  public String configuredBy() {
    return "SUITE_RDS_URL";
  }

  @Override
  public void apply(Map<String, Object> result) {
    RdsSettings settings = RdsSettings.fromEnvironment(env);
    result.put("applied", SchemaMigrations.of(settings).migrate(settings));
  }
}
