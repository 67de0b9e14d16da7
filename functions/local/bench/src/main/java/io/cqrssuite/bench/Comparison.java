package io.cqrssuite.bench;

/**
 * One row of the report: the suite's score, the baseline's from the same run, and how many times slower the suite
 * is ({@code ratio > 1}) or faster ({@code ratio < 1}).
 *
 * @param name the report name, with the parameter for a parameterized benchmark ({@code decode.sqs})
 */
public record Comparison(String name, Measured measured, Score suite, Score baseline) {
  public double ratio() {
    return suite.ns() / baseline.ns();
  }

  /** Whether the goal is met, {@code null} without one. */
  public Boolean goalMet() {
    return measured.goalNs() > 0 ? suite.ns() < measured.goalNs() : null;
  }
}
