package io.cqrssuite.logging;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.cqrssuite.failure.FailureText;
import io.cqrssuite.invocation.InvocationLocal;
import java.util.concurrent.atomic.AtomicBoolean;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * One JSON object per line, with the keys Powertools users search by ({@code level}, {@code message},
 * {@code service}, {@code timestamp}) plus the caller's fields; inside a {@link CorrelationContext} scope also
 * {@code correlation_id}, unless the caller's fields name one themselves.
 *
 * <p>Written by hand on Jackson's streaming generator rather than through a logging framework: a framework with a
 * JSON layout adds hundreds of milliseconds to a Lambda cold start for what is one generator call per line.
 * Lines go to stderr, which Lambda ships to CloudWatch like stdout, so stdout stays free for a local invoke's
 * JSON response.
 */
public final class StructuredLog {
  public enum Level {
    DEBUG,
    INFO,
    WARN,
    ERROR
  }

  private static final JsonFactory JSON = new JsonFactory();
  private final String service;
  private final PrintStream out;
  private final Level threshold;
  private final String functionName;
  private final CorrelationContext correlation;
  private final boolean recordValues;
  /** Per invocation: one JVM may serve several at once (Lambda Managed Instances), each on its own thread. */
  private final InvocationLocal<Invocation> invocation = new InvocationLocal<>();
  private final AtomicBoolean warm = new AtomicBoolean();

  /** What every line of one invocation carries, as Powertools names it. */
  private record Invocation(String requestId, String traceId, boolean coldStart) {}

  public StructuredLog(String service, PrintStream out, Level threshold) {
    this(service, out, threshold, null);
  }

  /** Without a correlation context of its own: lines carry no {@code correlation_id} unless the caller adds it. */
  public StructuredLog(String service, PrintStream out, Level threshold, String functionName) {
    this(service, out, threshold, functionName, new CorrelationContext());
  }

  public StructuredLog(
      String service, PrintStream out, Level threshold, String functionName, CorrelationContext correlation) {
    this(service, out, threshold, functionName, correlation, false);
  }

  /**
   * @param recordValues whether {@link #failureText} may quote record values ({@code SUITE_LOG_RECORD_VALUES}): for
   *     local debugging only, never in a deployed function
   */
  public StructuredLog(
      String service,
      PrintStream out,
      Level threshold,
      String functionName,
      CorrelationContext correlation,
      boolean recordValues) {
    this.service = service;
    this.out = out;
    this.threshold = threshold;
    this.functionName = functionName;
    this.correlation = correlation;
    this.recordValues = recordValues;
  }

  /**
   * Starts an invocation: its lines carry {@code function_request_id}, {@code xray_trace_id} (the {@code Root}
   * of the trace header, when tracing is on) and {@code cold_start} ({@code true} for the container's first).
   * Kept for the calling thread ({@link InvocationLocal}), so concurrent invocations in one JVM never share it;
   * only the first invocation of the JVM is the cold start.
   */
  public void beginInvocation(String requestId, String traceHeader) {
    boolean coldStart = warm.compareAndSet(false, true);
    invocation.begin(new Invocation(requestId, traceRoot(traceHeader), coldStart));
  }

  /** The calling thread's invocation has ended: its lines no longer carry its request id. */
  public void endInvocation() {
    invocation.end();
  }

  /** {@code Root=1-5759e988-bd862e3fe1be46a994272793;Parent=...;Sampled=1} gives {@code 1-5759e988-...}. */
  static String traceRoot(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    for (String part : header.split(";")) {
      String trimmed = part.trim();
      if (trimmed.startsWith("Root=")) {
        return trimmed.substring("Root=".length());
      }
    }
    return header;
  }

  /**
   * On stderr, with {@code SUITE_LOG_LEVEL} or {@code POWERTOOLS_LOG_LEVEL} (default {@code INFO}),
   * {@code POWERTOOLS_SERVICE_NAME} or {@code AWS_LAMBDA_FUNCTION_NAME} as the {@code service}, and record values in
   * failure texts only when {@code SUITE_LOG_RECORD_VALUES} is {@code true}.
   *
   * @throws IllegalArgumentException naming the variable when the level is not one of {@link Level}, or
   *     {@code SUITE_LOG_RECORD_VALUES} is neither {@code true} nor {@code false}
   */
  public static StructuredLog fromEnvironment(Map<String, String> env) {
    return fromEnvironment(env, new CorrelationContext());
  }

  /** As {@link #fromEnvironment(Map)}, with lines inside {@code correlation}'s scopes carrying their id. */
  public static StructuredLog fromEnvironment(Map<String, String> env, CorrelationContext correlation) {
    String service =
        env.getOrDefault("POWERTOOLS_SERVICE_NAME", env.getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "cqrs-suite"));
    String level = env.getOrDefault("SUITE_LOG_LEVEL", env.getOrDefault("POWERTOOLS_LOG_LEVEL", "INFO"));
    Level threshold;
    try {
      threshold = Level.valueOf(level.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("SUITE_LOG_LEVEL must be DEBUG, INFO, WARN or ERROR, found '" + level + "'", e);
    }
    String values = env.getOrDefault("SUITE_LOG_RECORD_VALUES", "false").trim();
    if (!values.equalsIgnoreCase("true") && !values.equalsIgnoreCase("false")) {
      throw new IllegalArgumentException("SUITE_LOG_RECORD_VALUES must be true or false, found '" + values + "'");
    }
    return new StructuredLog(
        service,
        System.err,
        threshold,
        env.get("AWS_LAMBDA_FUNCTION_NAME"),
        correlation,
        values.equalsIgnoreCase("true"));
  }

  /**
   * A failure as a log line may show it: {@link FailureText#shown()}, which names ids, names, types and lengths only,
   * or with {@code SUITE_LOG_RECORD_VALUES=true} {@link FailureText#detailed()}, values and raw error text included.
   * Log lines leave the encrypted dead letters for CloudWatch, where more people read them (contract §5).
   */
  public String failureText(Throwable failure) {
    FailureText text = FailureText.of(failure);
    return recordValues ? text.detailed() : text.shown();
  }

  public void debug(String message, Map<String, ?> fields) {
    write(Level.DEBUG, message, fields);
  }

  public void info(String message, Map<String, ?> fields) {
    write(Level.INFO, message, fields);
  }

  public void warn(String message, Map<String, ?> fields) {
    write(Level.WARN, message, fields);
  }

  public void error(String message, Map<String, ?> fields) {
    write(Level.ERROR, message, fields);
  }

  public boolean enabled(Level level) {
    return level.compareTo(threshold) >= 0;
  }

  private void write(Level level, String message, Map<String, ?> fields) {
    if (!enabled(level)) {
      return;
    }
    StringWriter line = new StringWriter(128);
    try (JsonGenerator json = JSON.createGenerator(line)) {
      json.writeStartObject();
      json.writeStringField("level", level.name());
      json.writeStringField("message", message);
      json.writeStringField("service", service);
      json.writeStringField("timestamp", Instant.now().toString());
      if (functionName != null) {
        json.writeStringField("function_name", functionName);
      }
      Invocation current = invocation.get();
      if (current != null) {
        json.writeBooleanField("cold_start", current.coldStart());
        if (current.requestId() != null) {
          json.writeStringField("function_request_id", current.requestId());
        }
        if (current.traceId() != null) {
          json.writeStringField("xray_trace_id", current.traceId());
        }
      }
      String correlationId = correlation.current().orElse(null);
      if (correlationId != null && !fields.containsKey("correlation_id")) {
        json.writeStringField("correlation_id", correlationId);
      }
      for (Map.Entry<String, ?> field : fields.entrySet()) {
        Object value = field.getValue();
        if (value == null) {
          continue;
        }
        if (value instanceof Number n) {
          json.writeFieldName(field.getKey());
          json.writeNumber(n.toString());
        } else if (value instanceof Boolean b) {
          json.writeBooleanField(field.getKey(), b);
        } else {
          json.writeStringField(field.getKey(), value.toString());
        }
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a log line", e);
    }
    out.println(line);
  }
}
