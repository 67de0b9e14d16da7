package io.cqrssuite.metrics;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.cqrssuite.bus.RecordResult;
import io.cqrssuite.entrypoint.InvocationOutcome;
import io.cqrssuite.event.DataChangeEvent;
import io.cqrssuite.event.DomainEvent;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/**
 * One CloudWatch Embedded Metric Format line per invocation: {@code RecordsHandled}, {@code RecordsFailed} (left
 * for redelivery or failing the invocation), {@code RecordsDeadLettered} (envelope stored, acknowledged),
 * {@code RecordsRejected} (the whole document was not an event) and, for stream deliveries, {@code SyncLag} (how
 * long after the change DynamoDB wrote it the suite had handled it, the oldest record of the batch). CloudWatch
 * extracts the metrics from the log line: no API call, nothing added to the invocation's latency.
 *
 * <p>Written by hand for the same reason as the logs: a metrics library is more start-up than one JSON line. The
 * line goes to stderr, like the logs, so a local invoke's stdout stays the response alone.
 *
 * <p>Environment: {@code POWERTOOLS_METRICS_NAMESPACE} (default {@code CqrsSuite}), {@code POWERTOOLS_SERVICE_NAME}
 * or {@code AWS_LAMBDA_FUNCTION_NAME} (the {@code service} dimension), {@code SUITE_METRICS} ({@code off} disables).
 */
public final class InvocationMetrics {
  private static final JsonFactory JSON = new JsonFactory();
  private final String namespace;
  private final String service;
  private final boolean enabled;
  private final PrintStream out;
  private final Clock clock;

  public InvocationMetrics(Map<String, String> env, PrintStream out, Clock clock) {
    this.namespace = env.getOrDefault("POWERTOOLS_METRICS_NAMESPACE", "CqrsSuite");
    this.service = env.getOrDefault("POWERTOOLS_SERVICE_NAME", env.getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "cqrs-suite"));
    this.enabled = !"off".equalsIgnoreCase(env.getOrDefault("SUITE_METRICS", "on"));
    this.out = out;
    this.clock = clock;
  }

  public void record(InvocationOutcome outcome) {
    if (!enabled) {
      return;
    }
    Instant now = clock.instant();
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
    StringWriter line = new StringWriter(256);
    try (JsonGenerator json = JSON.createGenerator(line)) {
      json.writeStartObject();
      json.writeObjectFieldStart("_aws");
      json.writeNumberField("Timestamp", now.toEpochMilli());
      json.writeArrayFieldStart("CloudWatchMetrics");
      json.writeStartObject();
      json.writeStringField("Namespace", namespace);
      json.writeArrayFieldStart("Dimensions");
      json.writeStartArray();
      json.writeString("service");
      json.writeString("source");
      json.writeEndArray();
      json.writeEndArray();
      json.writeArrayFieldStart("Metrics");
      metric(json, "RecordsHandled", "Count");
      metric(json, "RecordsFailed", "Count");
      metric(json, "RecordsDeadLettered", "Count");
      metric(json, "RecordsRejected", "Count");
      if (oldestChange != null) {
        metric(json, "SyncLag", "Milliseconds");
      }
      json.writeEndArray();
      json.writeEndObject();
      json.writeEndArray();
      json.writeEndObject();
      json.writeStringField("service", service);
      json.writeStringField("source", source);
      json.writeNumberField("RecordsHandled", handled);
      json.writeNumberField("RecordsFailed", failed);
      json.writeNumberField("RecordsDeadLettered", deadLettered);
      json.writeNumberField("RecordsRejected", rejected);
      if (oldestChange != null) {
        json.writeNumberField("SyncLag", Math.max(0, now.toEpochMilli() - oldestChange.toEpochMilli()));
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a metrics line", e);
    }
    out.println(line);
  }

  private static void metric(JsonGenerator json, String name, String unit) throws IOException {
    json.writeStartObject();
    json.writeStringField("Name", name);
    json.writeStringField("Unit", unit);
    json.writeEndObject();
  }
}
