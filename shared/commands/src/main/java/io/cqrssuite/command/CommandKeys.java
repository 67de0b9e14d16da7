package io.cqrssuite.command;

/**
 * The sort keys of the layout: {@code code@0000000012} on the command and history tables (ten digits, so keys sort in
 * version order and {@code begins_with(sk, code@)} with a descending query finds the latest), {@code code} on the
 * data table. This is the shape the stream side parses ({@code DataChangeEvent}).
 */
final class CommandKeys {
  static final long MAX_VERSION = 9_999_999_999L;

  private CommandKeys() {}

  static String padded(long version) {
    if (version < 0 || version > MAX_VERSION) {
      throw new InvalidCommandException("version " + version + " does not fit the ten digits of the command key");
    }
    return String.format("%010d", version);
  }

  static String versioned(String code, long version) {
    return code + "@" + padded(version);
  }

  static String prefix(String code) {
    return code + "@";
  }
}
