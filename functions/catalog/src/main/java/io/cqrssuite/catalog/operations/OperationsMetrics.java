package io.cqrssuite.catalog.operations;

import io.cqrssuite.metrics.MetricLines;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Progress of the operations as CloudWatch metrics: one Embedded Metric Format line per resync turn or reconcile,
 * with the dimensions {@code service} and {@code operation} ({@code resync-segment}, {@code reconcile}). CloudWatch
 * extracts the metrics from the log line: no API call, no permission. Written by the entrypoint's writer
 * ({@link MetricLines}: the same namespace, service and {@code SUITE_METRICS} switch, on the same stream as the logs),
 * so a dashboard finds both in one place.
 */
public final class OperationsMetrics {
  /** One metric's value and CloudWatch unit ({@code Count}, {@code Count/Second}, {@code Seconds}). */
  public record Value(double value, String unit) {}

  private final MetricLines lines;

  public OperationsMetrics(Map<String, String> env, PrintStream out, Clock clock) {
    this.lines = new MetricLines(env, out, clock);
  }

  /** Writes {@code values} (name to value, in the order given) as one line for {@code operation}. */
  public void emit(String operation, Map<String, Value> values) {
    List<MetricLines.Metric> metrics = new ArrayList<>(values.size());
    values.forEach((name, value) -> metrics.add(new MetricLines.Metric(name, value.value(), value.unit())));
    lines.write(lines.clock().millis(), "operation", operation, metrics);
  }
}
