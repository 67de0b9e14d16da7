package io.cqrssuite.metrics;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Writes CloudWatch Embedded Metric Format lines: one JSON line whose {@code _aws} block names the metrics, which
 * CloudWatch extracts from the log stream (no API call, no permission). Written by hand with Jackson's streaming
 * generator: a metrics library is more start-up than one JSON line. Every line has two dimensions, {@code service}
 * and one of the caller's ({@code source}, {@code operation}).
 *
 * <p>Environment: {@code POWERTOOLS_METRICS_NAMESPACE} (default {@code CqrsSuite}), {@code POWERTOOLS_SERVICE_NAME}
 * or {@code AWS_LAMBDA_FUNCTION_NAME} (the {@code service} dimension), {@code SUITE_METRICS} ({@code off} disables).
 */
public final class MetricLines {
  private static final JsonFactory JSON = new JsonFactory();

  /** One metric: its name, value (written as an integer when it is one) and CloudWatch unit. */
  public record Metric(String name, Number value, String unit) {}

  private final String namespace;
  private final String service;
  private final boolean enabled;
  private final PrintStream out;
  private final Clock clock;

  public MetricLines(Map<String, String> env, PrintStream out, Clock clock) {
    this.namespace = env.getOrDefault("POWERTOOLS_METRICS_NAMESPACE", "CqrsSuite");
    this.service = env.getOrDefault("POWERTOOLS_SERVICE_NAME", env.getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "cqrs-suite"));
    this.enabled = !"off".equalsIgnoreCase(env.getOrDefault("SUITE_METRICS", "on"));
    this.out = out;
    this.clock = clock;
  }

  /** Whether lines are written ({@code SUITE_METRICS} is not {@code off}): a caller may skip computing values. */
  public boolean enabled() {
    return enabled;
  }

  /** The clock the lines are stamped with, for values measured against the same instant. */
  public Clock clock() {
    return clock;
  }

  /** Writes one line stamped {@code timestampMillis}, with the dimension {@code dimension = value}. */
  public void write(long timestampMillis, String dimension, String value, List<Metric> metrics) {
    if (!enabled) {
      return;
    }
    StringWriter line = new StringWriter(256);
    try (JsonGenerator json = JSON.createGenerator(line)) {
      json.writeStartObject();
      json.writeObjectFieldStart("_aws");
      json.writeNumberField("Timestamp", timestampMillis);
      json.writeArrayFieldStart("CloudWatchMetrics");
      json.writeStartObject();
      json.writeStringField("Namespace", namespace);
      json.writeArrayFieldStart("Dimensions");
      json.writeStartArray();
      json.writeString("service");
      json.writeString(dimension);
      json.writeEndArray();
      json.writeEndArray();
      json.writeArrayFieldStart("Metrics");
      for (Metric metric : metrics) {
        json.writeStartObject();
        json.writeStringField("Name", metric.name());
        json.writeStringField("Unit", metric.unit());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
      json.writeEndArray();
      json.writeEndObject();
      json.writeStringField("service", service);
      json.writeStringField(dimension, value);
      for (Metric metric : metrics) {
        if (metric.value() instanceof Long || metric.value() instanceof Integer) {
          json.writeNumberField(metric.name(), metric.value().longValue());
        } else {
          json.writeNumberField(metric.name(), metric.value().doubleValue());
        }
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a metrics line", e);
    }
    out.println(line);
  }
}
