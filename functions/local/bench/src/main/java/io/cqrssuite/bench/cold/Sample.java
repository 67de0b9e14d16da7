package io.cqrssuite.bench.cold;

/** One fresh JVM: launch to handler constructed, constructed to returned, and how the invocation ended. */
record Sample(double initMs, double firstEventMs, String outcome) {
  double totalMs() {
    return initMs + firstEventMs;
  }
}
