package io.cqrssuite.migrations;

/**
 * Whether the read model works after a migration, asked by the pipeline once validate passed: an unhealthy answer (or
 * an exception) rolls the migration back. Implementations: {@link SampledReconcileHealth} (a sampled reconcile with
 * the source), {@link CanaryHealth} (a reserved change written through the sync and read back).
 */
@FunctionalInterface
public interface HealthCheck {
  /** The answer, with a line saying what was seen. */
  record Health(boolean healthy, String detail) {
    public static Health ok(String detail) {
      return new Health(true, detail);
    }

    public static Health failed(String detail) {
      return new Health(false, detail);
    }
  }

  Health check() throws Exception;

  /** Asks every check in turn; the first unhealthy answer is the answer. */
  static HealthCheck all(HealthCheck... checks) {
    return () -> {
      StringBuilder details = new StringBuilder();
      for (HealthCheck check : checks) {
        Health health = check.check();
        if (!health.healthy()) {
          return health;
        }
        details.append(details.length() == 0 ? "" : "; ").append(health.detail());
      }
      return Health.ok(details.toString());
    };
  }
}
