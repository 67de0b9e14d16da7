package io.cqrssuite.verification.chaos;

import io.cqrssuite.verification.workload.WorkloadOptions;

/**
 * The shape of a chaos run.
 *
 * @param workload the generated log and its delivery effects (duplicates, reordering window)
 * @param killRate share of the second pass's invocations whose worker process is killed (SIGKILL) mid-batch
 * @param outagesPerPass outages per pass: a read model refuses every connection (resets) for long enough that the
 *     head batch's retries run out and the mapping gives it up to the on-failure destination
 * @param faults whether background faults (503s, resets, stalls) are injected at all
 */
public record ChaosOptions(WorkloadOptions workload, double killRate, int outagesPerPass, boolean faults) {
  public ChaosOptions {
    if (killRate < 0 || killRate > 1) {
      throw new IllegalArgumentException("the kill rate must be between 0 and 1");
    }
    if (outagesPerPass < 0) {
      throw new IllegalArgumentException("outages per pass must not be negative");
    }
  }

  /** 100,000 changes over 10,000 products, 20% duplicates, reordering within windows of 20. */
  public static ChaosOptions defaults() {
    return new ChaosOptions(new WorkloadOptions(10_000, 10, 7L, 0.20, 20, 0.10, 0.03, 0.02, 100), 0.03, 2, true);
  }

  public ChaosOptions withWorkload(WorkloadOptions w) {
    return new ChaosOptions(w, killRate, outagesPerPass, faults);
  }

  public ChaosOptions withKillRate(double rate) {
    return new ChaosOptions(workload, rate, outagesPerPass, faults);
  }

  public ChaosOptions withOutagesPerPass(int n) {
    return new ChaosOptions(workload, killRate, n, faults);
  }

  public ChaosOptions withFaults(boolean on) {
    return new ChaosOptions(workload, killRate, outagesPerPass, on);
  }
}
