package io.cqrssuite.alarm;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * One alarm: what failed (the {@code source} function or service, the {@code handler}, the error class and message)
 * and which events ({@code eventIds}, at most {@link #MAX_EVENT_IDS}; {@code count} says how many failed in all).
 * It never holds record contents: the dead-letter envelope does.
 *
 * <p>The {@link #fingerprint()} identifies the failure for de-duplication: a hash of severity, source, handler and
 * error class, so a CRITICAL alarm (the dead-letter write failed) is never suppressed by an ERROR of the same
 * failure.
 */
public record Alarm(
    Severity severity,
    String source,
    String handler,
    String errorClass,
    String errorMessage,
    List<String> eventIds,
    int count) {
  public static final int MAX_EVENT_IDS = 20;

  public Alarm {
    Objects.requireNonNull(severity, "severity");
    source = source == null ? "" : source;
    handler = handler == null ? "" : handler;
    errorClass = errorClass == null ? "" : errorClass;
    List<String> bounded = new ArrayList<>();
    if (eventIds != null) {
      for (String id : eventIds) {
        if (id != null && bounded.size() < MAX_EVENT_IDS && !bounded.contains(id)) {
          bounded.add(id);
        }
      }
    }
    eventIds = List.copyOf(bounded);
    count = Math.max(count, 1);
  }

  /** The hex SHA-256 (first 32 digits) of severity, source, handler and error class. */
  public String fingerprint() {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      String key = severity.name() + '\u0000' + source + '\u0000' + handler + '\u0000' + errorClass;
      return HexFormat.of().formatHex(digest.digest(key.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  /** This alarm and another of the same fingerprint as one: counts added, ids kept up to the bound. */
  public Alarm merge(Alarm other) {
    List<String> ids = new ArrayList<>(eventIds);
    ids.addAll(other.eventIds);
    return new Alarm(severity, source, handler, errorClass, errorMessage, ids, count + other.count);
  }

  /** The error class without its package, as shown in a subject. */
  public String errorSimpleName() {
    int dot = errorClass.lastIndexOf('.');
    return dot < 0 ? errorClass : errorClass.substring(dot + 1);
  }
}
