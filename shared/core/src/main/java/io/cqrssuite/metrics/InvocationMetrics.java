package io.cqrssuite.metrics;

import io.cqrssuite.bus.RecordResult;
import io.cqrssuite.entrypoint.InvocationOutcome;
import io.cqrssuite.event.DataChangeEvent;
import io.cqrssuite.event.DomainEvent;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One CloudWatch Embedded Metric Format line per invocation: {@code RecordsHandled}, {@code RecordsFailed} (left
 * for redelivery or failing the invocation), {@code RecordsDeadLettered} (envelope stored, acknowledged),
 * {@code RecordsRejected} (the whole document was not an event) and, for stream deliveries, {@code SyncLag} (how
 * long after the change DynamoDB wrote it the suite had handled it, the oldest record of the batch). CloudWatch
 * extracts the metrics from the log line: no API call, nothing added to the invocation's latency.
 *
 * <p>Written through {@link MetricLines} (its environment: namespace, service, {@code SUITE_METRICS}). The line goes
 * to stderr, like the logs, so a local invoke's stdout stays the response alone.
 */
public final class InvocationMetrics {
  private final MetricLines lines;

  public InvocationMetrics(Map<String, String> env, PrintStream out, Clock clock) {
    this.lines = new MetricLines(env, out, clock);
  }

  public void record(InvocationOutcome outcome) {
    if (!lines.enabled()) {
      return;
    }
    Instant now = lines.clock().instant();
    long handled = 0;
    long failed = 0;
    Instant oldestChange = null;
    if (outcome.batch() != null) {
      for (RecordResult record : outcome.batch().records()) {
        if (record.succeeded()) {
          handled++;
        } else {
          failed++;
        }
        for (DomainEvent event : record.record().events()) {
          if (event instanceof DataChangeEvent change && change.approximateCreationTime() != null
              && (oldestChange == null || change.approximateCreationTime().isBefore(oldestChange))) {
            oldestChange = change.approximateCreationTime();
          }
        }
      }
    }
    long rejected = outcome.batch() == null ? 1 : 0;
    long deadLettered = outcome.deadLettered();
    failed = Math.max(0, failed - (outcome.batch() == null ? 0 : deadLettered));
    String source = outcome.source() == null ? "UNKNOWN" : outcome.source().name();
    List<MetricLines.Metric> metrics = new ArrayList<>(5);
    metrics.add(new MetricLines.Metric("RecordsHandled", handled, "Count"));
    metrics.add(new MetricLines.Metric("RecordsFailed", failed, "Count"));
    metrics.add(new MetricLines.Metric("RecordsDeadLettered", deadLettered, "Count"));
    metrics.add(new MetricLines.Metric("RecordsRejected", rejected, "Count"));
    if (oldestChange != null) {
      metrics.add(new MetricLines.Metric("SyncLag", Math.max(0, now.toEpochMilli() - oldestChange.toEpochMilli()), "Milliseconds"));
    }
    lines.write(now.toEpochMilli(), "source", source, metrics);
  }
}
