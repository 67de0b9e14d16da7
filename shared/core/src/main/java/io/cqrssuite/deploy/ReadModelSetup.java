package io.cqrssuite.deploy;

import java.util.Map;

/**
 * Brings one read model to what this build expects before any sync writes to it, as a deployment does (and a local
 * run at start): {@code cqrs-suite-sync-rds} applies the SQL migrations the user names, {@code cqrs-suite-sync-opensearch}
 * puts the index template and creates the first index and its aliases. Every step is idempotent.
 *
 * <p>A step reads its settings when it is applied, not when it is built, so a malformed setting is reported as the
 * step's failure (and answered to CloudFormation) instead of failing the function at init.
 */
public interface ReadModelSetup {
  /** Whether the environment configures this read model; an unconfigured one is skipped. */
  boolean configured();

  /** The variable that configures this read model, named when no read model is configured at all. */
  String configuredBy();

  /**
   * Applies the step and adds what it did to {@code result} (the custom resource's {@code Data}).
   *
   * @throws Exception when the read model cannot be reached or the step fails; the deployment fails with its message
   */
  void apply(Map<String, Object> result) throws Exception;
}
