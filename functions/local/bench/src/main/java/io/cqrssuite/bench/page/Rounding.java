package io.cqrssuite.bench.page;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * How the page rounds a JSON value. Only values present in the file are written, never one computed from them, so
 * that every figure on the page can be traced back to the file; a missing value is a dash.
 */
final class Rounding {
  static final String MISSING = "-";

  private Rounding() {}

  /** With {@code decimals} digits after the point and thousands separators. */
  static String fixed(JsonNode value, int decimals) {
    if (value == null || !value.isNumber()) {
      return MISSING;
    }
    return String.format(Locale.ROOT, "%,." + decimals + "f", value.asDouble());
  }

  /** Nanoseconds: whole above 100, one decimal below, where the decimal still says something. */
  static String nanos(JsonNode value) {
    if (value == null || !value.isNumber()) {
      return MISSING;
    }
    return fixed(value, value.asDouble() >= 100 ? 0 : 1);
  }

  /** A score with its error, {@code 60.3 ± 22.0}; the error alone is left out when JMH could not estimate it. */
  static String nanosWithError(JsonNode score, JsonNode error) {
    String text = nanos(score);
    return error == null || !error.isNumber() ? text : text + " ± " + nanos(error);
  }

  static String integer(JsonNode value) {
    return fixed(value, 0);
  }
}
