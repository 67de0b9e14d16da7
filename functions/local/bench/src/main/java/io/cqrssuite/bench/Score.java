package io.cqrssuite.bench;

/**
 * One JMH result: the mean time per operation and its error (JMH's 99.9% confidence half-width), in nanoseconds.
 *
 * @param error {@code NaN} when there were too few iterations to estimate one
 */
public record Score(double ns, double error) {
  String text() {
    return Double.isNaN(error) ? format(ns) : format(ns) + " ± " + format(error);
  }

  static String format(double ns) {
    return ns >= 100 ? String.format("%,.0f", ns) : String.format("%.2f", ns);
  }
}
