package io.cqrssuite.catalog.operations;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.time.Clock;
import java.util.Map;

/**
 * Progress of the operations as CloudWatch metrics: one Embedded Metric Format line per resync turn or reconcile,
 * with the dimensions {@code service} and {@code operation} ({@code resync-segment}, {@code reconcile}). CloudWatch
 * extracts the metrics from the log line: no API call, no permission. Written like the entrypoint's invocation
 * metrics (the same namespace, service and {@code SUITE_METRICS} switch, on the same stream as the logs), so a
 * dashboard finds both in one place.
 */
public final class OperationsMetrics {
  private static final JsonFactory JSON = new JsonFactory();

  /** One metric's value and CloudWatch unit ({@code Count}, {@code Count/Second}, {@code Seconds}). */
  public record Value(double value, String unit) {}

  private final String namespace;
  private final String service;
  private final boolean enabled;
  private final PrintStream out;
  private final Clock clock;

  public OperationsMetrics(Map<String, String> env, PrintStream out, Clock clock) {
    this.namespace = env.getOrDefault("POWERTOOLS_METRICS_NAMESPACE", "CqrsSuite");
    this.service = env.getOrDefault("POWERTOOLS_SERVICE_NAME", env.getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "cqrs-suite"));
    this.enabled = !"off".equalsIgnoreCase(env.getOrDefault("SUITE_METRICS", "on"));
    this.out = out;
    this.clock = clock;
  }

  /** Writes {@code values} (name to value, in the order given) as one line for {@code operation}. */
  public void emit(String operation, Map<String, Value> values) {
    if (!enabled) {
      return;
    }
    StringWriter line = new StringWriter(256);
    try (JsonGenerator json = JSON.createGenerator(line)) {
      json.writeStartObject();
      json.writeObjectFieldStart("_aws");
      json.writeNumberField("Timestamp", clock.millis());
      json.writeArrayFieldStart("CloudWatchMetrics");
      json.writeStartObject();
      json.writeStringField("Namespace", namespace);
      json.writeArrayFieldStart("Dimensions");
      json.writeStartArray();
      json.writeString("service");
      json.writeString("operation");
      json.writeEndArray();
      json.writeEndArray();
      json.writeArrayFieldStart("Metrics");
      for (Map.Entry<String, Value> metric : values.entrySet()) {
        json.writeStartObject();
        json.writeStringField("Name", metric.getKey());
        json.writeStringField("Unit", metric.getValue().unit());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
      json.writeEndArray();
      json.writeEndObject();
      json.writeStringField("service", service);
      json.writeStringField("operation", operation);
      for (Map.Entry<String, Value> metric : values.entrySet()) {
        json.writeNumberField(metric.getKey(), metric.getValue().value());
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a metrics line", e);
    }
    out.println(line);
  }
}
