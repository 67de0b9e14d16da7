package io.cqrssuite.bus;

import java.util.Locale;

/** What to do with an event no handler takes ({@code SUITE_UNHANDLED_EVENTS}). */
public enum UnhandledEvents {
  /** The record fails permanently with {@link NoHandlerException} (default: nothing is dropped unseen). */
  FAIL,
  /** The event is acknowledged and counted as unhandled: for functions subscribed to more than they need. */
  IGNORE;

  public static UnhandledEvents parse(String value) {
    if (value == null || value.isBlank()) {
      return FAIL;
    }
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("SUITE_UNHANDLED_EVENTS must be 'fail' or 'ignore', found '" + value + "'", e);
    }
  }
}
