package io.cqrssuite.reliability.alarm;

import io.cqrssuite.alarm.Alarm;
import io.cqrssuite.alarm.AlarmSink;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.logging.CorrelationContext;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.outbound.CorrelationAttribute;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * Raises alarms (contract §5): logs each one and publishes it to the SNS topic, at most once per fingerprint per
 * time window across all containers when an {@link AlarmCounter} is configured. The first alarm of a window says how
 * many raises of the same fingerprint the previous window suppressed.
 *
 * <p>{@link #raise} never throws: a counter or SNS failure is logged (an alarm must never make a record fail and be
 * redelivered). When the counter table cannot be reached the alarm is sent anyway, without de-duplication.
 *
 * <p>The SNS message carries a {@code correlationId} attribute ({@link CorrelationAttribute}): the id of the
 * {@link CorrelationContext} scope the alarm is raised in, else the alarm's first event id (the id a record that
 * carries none is logged under), so the alarm leads to the log lines of the failure.
 */
public final class AlarmPublisher implements AlarmSink {
  public static final int MAX_MESSAGE_CHARS = 1_000;

  private final SnsClient sns;
  private final String topicArn;
  private final AlarmCounter counter;
  private final Duration window;
  private final String source;
  private final ObjectMapper mapper;
  private final StructuredLog log;
  private final Clock clock;
  private final boolean enabled;
  private final CorrelationContext correlation;

  /**
   * @param sns {@code null} (with {@code topicArn}) when alarms are only logged
   * @param counter {@code null} without de-duplication
   */
  public AlarmPublisher(
      SnsClient sns,
      String topicArn,
      AlarmCounter counter,
      Duration window,
      String source,
      ObjectMapper mapper,
      StructuredLog log,
      Clock clock) {
    this(sns, topicArn, counter, window, source, mapper, log, clock, new CorrelationContext());
  }

  /** As above, stamping the id of {@code correlation}'s current scope on what is published. */
  public AlarmPublisher(
      SnsClient sns,
      String topicArn,
      AlarmCounter counter,
      Duration window,
      String source,
      ObjectMapper mapper,
      StructuredLog log,
      Clock clock,
      CorrelationContext correlation) {
    this(sns, topicArn, counter, window, source, mapper, log, clock, true, correlation);
  }

  private AlarmPublisher(
      SnsClient sns,
      String topicArn,
      AlarmCounter counter,
      Duration window,
      String source,
      ObjectMapper mapper,
      StructuredLog log,
      Clock clock,
      boolean enabled,
      CorrelationContext correlation) {
    this.sns = topicArn == null ? null : sns;
    this.topicArn = topicArn;
    this.counter = counter;
    this.window = window;
    this.source = source == null ? "" : source;
    this.mapper = mapper;
    this.log = log;
    this.clock = clock;
    this.enabled = enabled;
    this.correlation = correlation;
  }

  /** Raises nothing at all: for entrypoints built without alarms. */
  public static AlarmPublisher none() {
    return new AlarmPublisher(null, null, null, AlarmSettings.DEFAULT_WINDOW, "", null, null, Clock.systemUTC(), false, new CorrelationContext());
  }

  @Override
  public String source() {
    return source;
  }

  /**
   * Raises one invocation's alarms: those of the same fingerprint are merged into one (ids and count aggregated),
   * then each is logged and, unless suppressed, published. Never throws.
   */
  @Override
  public void raise(Collection<Alarm> alarms) {
    if (!enabled || alarms.isEmpty()) {
      return;
    }
    Map<String, Alarm> merged = new LinkedHashMap<>();
    for (Alarm alarm : alarms) {
      merged.merge(alarm.fingerprint(), alarm, Alarm::merge);
    }
    for (Map.Entry<String, Alarm> entry : merged.entrySet()) {
      try {
        raiseOne(entry.getKey(), entry.getValue());
      } catch (RuntimeException e) {
        log.error("alarm could not be raised", Map.of("fingerprint", entry.getKey(), "alarmError", describe(e)));
      }
    }
  }

  private void raiseOne(String fingerprint, Alarm alarm) {
    Instant now = clock.instant();
    long windowSeconds = window.getSeconds();
    long windowStart = Math.floorDiv(now.getEpochSecond(), windowSeconds) * windowSeconds;
    Long suppressedBefore = null;
    if (counter != null) {
      long count;
      try {
        // Kept for two windows: the next window's first alarm reads it; TTL deletes it later.
        count = counter.increment(fingerprint, windowStart, Instant.ofEpochSecond(windowStart + 3 * windowSeconds));
      } catch (RuntimeException e) {
        log.warn(
            "alarm counter unavailable; the alarm is sent without de-duplication",
            Map.of("fingerprint", fingerprint, "table", counter.table(), "alarmError", describe(e)));
        count = 1;
      }
      if (count > 1) {
        Map<String, Object> fields = logFields(fingerprint, alarm);
        fields.put("windowCount", count);
        log.info("alarm suppressed: already sent in this window", fields);
        return;
      }
      try {
        suppressedBefore = Math.max(0, counter.read(fingerprint, windowStart - windowSeconds) - 1);
      } catch (RuntimeException e) {
        log.warn(
            "previous alarm window unreadable; the suppressed count is not reported",
            Map.of("fingerprint", fingerprint, "alarmError", describe(e)));
      }
    }
    String subject = AlarmSubject.of(alarm);
    String body = body(fingerprint, alarm, windowStart, suppressedBefore);
    Map<String, Object> fields = logFields(fingerprint, alarm);
    fields.put("subject", subject);
    if (suppressedBefore != null) {
      fields.put("suppressedInPreviousWindow", suppressedBefore);
    }
    switch (alarm.severity()) {
      case INFO -> log.info("alarm", fields);
      case WARNING -> log.warn("alarm", fields);
      default -> log.error("alarm", fields);
    }
    if (sns == null) {
      return;
    }
    try {
      String correlationId =
          correlation.current().orElse(alarm.eventIds().isEmpty() ? null : alarm.eventIds().get(0));
      String messageId =
          sns.publish(r -> r.topicArn(topicArn)
                  .subject(subject)
                  .message(body)
                  .messageAttributes(CorrelationAttribute.sns(correlationId)))
              .messageId();
      log.info("alarm published", Map.of("fingerprint", fingerprint, "snsMessageId", String.valueOf(messageId)));
    } catch (RuntimeException e) {
      log.error(
          "alarm could not be published to SNS", Map.of("fingerprint", fingerprint, "topicArn", topicArn, "alarmError", describe(e)));
    }
  }

  /**
   * The JSON body: severity, source, handler, error class and (at most {@value #MAX_MESSAGE_CHARS} characters of)
   * message, event ids, count, fingerprint, the time window and the previous window's suppressed count. Never
   * record contents.
   */
  String body(String fingerprint, Alarm alarm, long windowStart, Long suppressedBefore) {
    ObjectNode node = mapper.createObjectNode();
    node.put("severity", alarm.severity().name());
    node.put("source", alarm.source());
    node.put("handler", alarm.handler());
    node.put("errorClass", alarm.errorClass());
    node.put("errorMessage", truncate(alarm.errorMessage()));
    ArrayNode ids = node.putArray("eventIds");
    alarm.eventIds().forEach(ids::add);
    node.put("count", alarm.count());
    node.put("eventIdsOmitted", Math.max(0, alarm.count() - alarm.eventIds().size()));
    node.put("fingerprint", fingerprint);
    node.put("windowStart", Instant.ofEpochSecond(windowStart).toString());
    node.put("windowEnd", Instant.ofEpochSecond(windowStart + window.getSeconds()).toString());
    if (suppressedBefore == null) {
      node.putNull("suppressedInPreviousWindow");
    } else {
      node.put("suppressedInPreviousWindow", suppressedBefore);
    }
    node.put("deduplicated", counter != null);
    try {
      return mapper.writeValueAsString(node);
    } catch (Exception e) {
      throw new IllegalStateException("alarm body not writable", e);
    }
  }

  static String truncate(String message) {
    if (message == null) {
      return null;
    }
    if (message.length() <= MAX_MESSAGE_CHARS) {
      return message;
    }
    int end = Character.isHighSurrogate(message.charAt(MAX_MESSAGE_CHARS - 1)) ? MAX_MESSAGE_CHARS - 1 : MAX_MESSAGE_CHARS;
    return message.substring(0, end) + "...";
  }

  private static Map<String, Object> logFields(String fingerprint, Alarm alarm) {
    Map<String, Object> fields = new HashMap<>();
    fields.put("severity", alarm.severity().name());
    fields.put("fingerprint", fingerprint);
    fields.put("handler", alarm.handler());
    fields.put("errorType", alarm.errorClass());
    fields.put("eventIds", String.join(",", alarm.eventIds()));
    fields.put("count", alarm.count());
    return fields;
  }

  private static String describe(Throwable e) {
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
