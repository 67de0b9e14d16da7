package io.cqrssuite.verification.chaos;

/**
 * The background faults of a chaos run, per read model. PostgreSQL's proxy decides per chunk of bytes, and a
 * synced batch is a few dozen chunks, so its rates are small; OpenSearch's proxy decides per HTTP request (one
 * {@code _bulk} per batch and target), so its rates are larger. The mix is chosen so that most faults are absorbed
 * by the in-invocation retry, some reach the mapping as a reported failure, and none is frequent enough to exhaust
 * a batch's retries on its own: that is what {@link OutageSchedule}'s outages are for.
 */
final class ChaosFaults {
  private final FaultPlan postgres;
  private final FaultPlan search;

  ChaosFaults(boolean on, long seed) {
    this.postgres = on ? new FaultPlan(0.002, 0.002, 0.004, 150, 0, seed) : FaultPlan.none();
    this.search = on ? new FaultPlan(0.01, 0.01, 0.02, 200, 0.04, seed + 1) : FaultPlan.none();
  }

  FaultPlan postgres() {
    return postgres;
  }

  FaultPlan search() {
    return search;
  }

  static FaultPlan outage() {
    return FaultPlan.outage();
  }
}
