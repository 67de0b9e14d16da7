package io.cqrssuite.config;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a module's settings from a function's environment (the {@link Environment} map), one typed value at a time.
 * A blank value counts as unset, so the default applies; a value that does not parse fails at once with an
 * {@link IllegalArgumentException} that names the variable, what it must be and what was found, e.g.
 * {@code SUITE_RETRY_MAX_ATTEMPTS must be a positive integer, found 'three'}. Settings are read at init (or when a
 * feature is first used), so a mistake fails the deployment's first invocation, not a record hours later.
 */
public final class SettingsReader {
  private final Map<String, String> env;

  public SettingsReader(Map<String, String> env) {
    this.env = env;
  }

  /** The trimmed value, or empty when the variable is unset or blank. */
  public Optional<String> text(String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  /** The trimmed value, or {@code fallback} when the variable is unset or blank. */
  public String text(String name, String fallback) {
    return text(name).orElse(fallback);
  }

  /** A value of at least 1 (and at most {@link Integer#MAX_VALUE}). */
  public int positiveInt(String name, int fallback) {
    return (int) integer(name, fallback, 1, Integer.MAX_VALUE, "a positive integer");
  }

  /** A value of at least 1. */
  public long positiveLong(String name, long fallback) {
    return integer(name, fallback, 1, Long.MAX_VALUE, "a positive integer");
  }

  /** A value of at least 0. */
  public long nonNegativeLong(String name, long fallback) {
    return integer(name, fallback, 0, Long.MAX_VALUE, "a non-negative integer");
  }

  /** A value of at least 0 (and at most {@link Integer#MAX_VALUE}). */
  public int nonNegativeInt(String name, int fallback) {
    return (int) integer(name, fallback, 0, Integer.MAX_VALUE, "a non-negative integer");
  }

  /** {@code true} or {@code false}, in any case. */
  public boolean flag(String name, boolean fallback) {
    Optional<String> value = text(name);
    if (value.isEmpty()) {
      return fallback;
    }
    return switch (value.get().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw invalid(name, "true or false", value.get());
    };
  }

  /** One of {@code allowed} (compared in lower case), returned in lower case. */
  public String choice(String name, String fallback, String... allowed) {
    Optional<String> value = text(name);
    if (value.isEmpty()) {
      return fallback;
    }
    String lower = value.get().toLowerCase(Locale.ROOT);
    for (String option : allowed) {
      if (option.equals(lower)) {
        return lower;
      }
    }
    throw invalid(name, String.join(" or ", allowed), value.get());
  }

  private long integer(String name, long fallback, long min, long max, String what) {
    Optional<String> value = text(name);
    if (value.isEmpty()) {
      return fallback;
    }
    long parsed;
    try {
      parsed = Long.parseLong(value.get());
    } catch (NumberFormatException e) {
      throw invalid(name, what, value.get());
    }
    if (parsed < min) {
      throw invalid(name, what, value.get());
    }
    if (parsed > max) {
      throw invalid(name, "at most " + max, value.get());
    }
    return parsed;
  }

  private static IllegalArgumentException invalid(String name, String what, String found) {
    return new IllegalArgumentException(name + " must be " + what + ", found '" + found + "'");
  }
}
