package io.cqrssuite.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The words after a command's name, read left to right, and the option values every command parses the same way. A
 * missing or malformed value is a {@link UsageException}, so each command reports it in the same words (exit 2).
 */
final class Arguments {
  private final String[] words;
  private int next;

  Arguments(String[] words, int from) {
    this.words = words;
    this.next = from;
  }

  /**
   * Whether {@code --help} or {@code -h} is anywhere among the words left: help wins over every other check, so
   * {@code ./suite dlq --help} answers without a queue URL.
   */
  boolean askForHelp() {
    for (int i = next; i < words.length; i++) {
      if (words[i].equals("--help") || words[i].equals("-h")) {
        return true;
      }
    }
    return false;
  }

  /** The whole command line as the user typed it after {@code ./suite}, for a record of what produced a result. */
  String commandLine() {
    return "./suite " + String.join(" ", words);
  }

  boolean hasNext() {
    return next < words.length;
  }

  String next() {
    return words[next++];
  }

  /** The word after {@code option}, which needs one. */
  String value(String option) {
    if (!hasNext()) {
      throw new UsageException(option + " needs a value");
    }
    return next();
  }

  int positiveInt(String option) {
    return positiveInt(value(option), option);
  }

  /** A comma-separated list such as {@code --chunk-rows 500,1000}. */
  List<Integer> positiveInts(String option) {
    List<Integer> values = new ArrayList<>();
    for (String value : value(option).split(",")) {
      values.add(positiveInt(value.trim(), option));
    }
    return values;
  }

  int nonNegativeInt(String option) {
    return intAtLeast(0, value(option), option, "a non-negative integer");
  }

  long longValue(String option) {
    String value = value(option);
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new UsageException(option + " must be an integer, found '" + value + "'");
    }
  }

  /** A share such as a kill rate: a number from 0 to 1. */
  double fraction(String option) {
    String value = value(option);
    try {
      double parsed = Double.parseDouble(value);
      if (!(parsed >= 0 && parsed <= 1)) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new UsageException(option + " must be a number between 0 and 1, found '" + value + "'");
    }
  }

  private static int positiveInt(String value, String option) {
    return intAtLeast(1, value, option, "a positive integer");
  }

  private static int intAtLeast(int least, String value, String option, String what) {
    try {
      int parsed = Integer.parseInt(value);
      if (parsed < least) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new UsageException(option + " must be " + what + ", found '" + value + "'");
    }
  }

  /** Bad arguments or a missing file: exit 2 with a one-line reason. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
