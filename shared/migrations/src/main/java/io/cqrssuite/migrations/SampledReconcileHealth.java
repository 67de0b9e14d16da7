package io.cqrssuite.migrations;

import io.cqrssuite.operations.Reconciler;

/**
 * A sampled reconcile of the source with the read models ({@link Reconciler.Mode#SAMPLED}: the entities of randomly
 * drawn source segments, each difference confirmed by a second look): healthy when nothing remains different. It
 * catches a migration that damaged rows (a column emptied, a type that rounds) which validate cannot see. It reads the
 * source table, so it costs read capacity: {@code segments} x {@code perSegment} entities at most.
 */
public final class SampledReconcileHealth implements HealthCheck {
  private final Reconciler reconciler;
  private final Reconciler.Options options;

  public SampledReconcileHealth(Reconciler reconciler, int segments, int perSegment, long seed) {
    this.reconciler = reconciler;
    this.options = new Reconciler.Options(Reconciler.Mode.SAMPLED, segments, perSegment, seed, false, false);
  }

  @Override
  public Health check() throws Exception {
    Reconciler.Result result = reconciler.run(options, null);
    String found = result.json().path("found").toString();
    if (result.remaining() > 0) {
      return Health.failed("a sampled reconcile found " + result.remaining() + " difference(s) " + found);
    }
    return Health.ok("a sampled reconcile of " + result.json().path("sourceEntities").asLong() + " entities found none");
  }
}
