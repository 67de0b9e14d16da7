package io.cqrssuite.sync.rds;

import io.cqrssuite.failure.PermanentException;

/**
 * An image value that cannot go into its column (text into a number, a number out of range, an unreadable
 * timestamp, a string longer than the column): the same record fails the same way every time, so it is poison
 * for the dead letters. The message names record id, column, attribute and the value's type and length, which is
 * all logs and alarms may show; the (shortened) value itself is only in the {@link #detail()} for the envelope
 * (contract §5).
 */
public final class ColumnValueException extends PermanentException {
  private static final long serialVersionUID = 1L;
  private static final int SHOWN_VALUE_CHARACTERS = 60;

  private final String recordId;
  private final String column;

  /**
   * @param value the value as JSON text, quoted for the envelope only
   * @param kind what the value is, without the value: "a string of 12 characters", "a number"
   */
  ColumnValueException(
      String recordId, String table, String column, String attribute, String value, String kind, String problem) {
    super(
        where(recordId, table, column, attribute) + " cannot take " + kind + ": " + problem,
        where(recordId, table, column, attribute) + " cannot take " + shorten(value) + ": " + problem,
        null);
    this.recordId = recordId;
    this.column = column;
  }

  public String recordId() {
    return recordId;
  }

  public String column() {
    return column;
  }

  private static String where(String recordId, String table, String column, String attribute) {
    return "record " + recordId + ": column " + table + "." + column + " (attribute '" + attribute + "')";
  }

  private static String shorten(String value) {
    if (value.length() <= SHOWN_VALUE_CHARACTERS) {
      return value;
    }
    return value.substring(0, SHOWN_VALUE_CHARACTERS) + "... (" + value.length() + " characters)";
  }
}
