package io.cqrssuite.bench.cold;

import java.util.List;

/** A median with its range over the runs of one case, in milliseconds. */
public record Spread(double median, double min, double max) {
  static Spread of(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no runs to summarise");
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = sorted.length;
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    return new Spread(round(median), round(sorted[0]), round(sorted[n - 1]));
  }

  static double round(double millis) {
    return Math.round(millis * 10) / 10.0;
  }
}
