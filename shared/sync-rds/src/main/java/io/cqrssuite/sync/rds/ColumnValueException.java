package io.cqrssuite.sync.rds;

import io.cqrssuite.failure.PermanentException;

/**
 * An image value that cannot go into its column (text into a number, a number out of range, an unreadable
 * timestamp, a string longer than the column): the same record fails the same way every time, so it is poison
 * for the dead letters, named by record id, column and (shortened) value.
 */
public final class ColumnValueException extends PermanentException {
  private static final long serialVersionUID = 1L;
  private static final int SHOWN_VALUE_CHARACTERS = 60;

  private final String recordId;
  private final String column;

  ColumnValueException(String recordId, String table, String column, String attribute, String value, String problem) {
    super(
        "record " + recordId + ": column " + table + "." + column + " (attribute '" + attribute + "') cannot take "
            + shorten(value) + ": " + problem);
    this.recordId = recordId;
    this.column = column;
  }

  public String recordId() {
    return recordId;
  }

  public String column() {
    return column;
  }

  private static String shorten(String value) {
    if (value.length() <= SHOWN_VALUE_CHARACTERS) {
      return value;
    }
    return value.substring(0, SHOWN_VALUE_CHARACTERS) + "... (" + value.length() + " characters)";
  }
}
