package io.cqrssuite.entity;

import java.util.Objects;

/**
 * How an entity's code is taken from its key attribute: the whole value, the part after a prefix (a single-table
 * sort key {@code ORDER#o-1} gives {@code o-1}), or the part before the last separator (a command table's
 * {@code P-001@0000000012} gives {@code P-001}).
 */
public sealed interface CodeRule {
  /** The code of {@code value}, or {@code null} when the value does not have the shape this rule expects. */
  String codeOf(String value);

  /** The value as it is. */
  record Whole() implements CodeRule {
    @Override
    public String codeOf(String value) {
      return value;
    }

    @Override
    public String toString() {
      return "whole";
    }
  }

  /** The part after {@code prefix}; values without the prefix have no code. */
  record AfterPrefix(String prefix) implements CodeRule {
    public AfterPrefix {
      if (Objects.requireNonNull(prefix, "prefix").isEmpty()) {
        throw new IllegalArgumentException("a code prefix must not be empty");
      }
    }

    @Override
    public String codeOf(String value) {
      return value.startsWith(prefix) && value.length() > prefix.length() ? value.substring(prefix.length()) : null;
    }

    @Override
    public String toString() {
      return "after:" + prefix;
    }
  }

  /** The part before the last {@code separator}; a value without it is its own code. */
  record BeforeLast(String separator) implements CodeRule {
    public BeforeLast {
      if (Objects.requireNonNull(separator, "separator").isEmpty()) {
        throw new IllegalArgumentException("a code separator must not be empty");
      }
    }

    @Override
    public String codeOf(String value) {
      int at = value.lastIndexOf(separator);
      return at < 0 ? value : at == 0 ? null : value.substring(0, at);
    }

    @Override
    public String toString() {
      return "before-last:" + separator;
    }
  }
}
