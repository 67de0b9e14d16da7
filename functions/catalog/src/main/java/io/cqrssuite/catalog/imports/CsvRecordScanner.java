package io.cqrssuite.catalog.imports;

/**
 * Finds where CSV records end in raw bytes, RFC 4180 style: a line feed ends a record unless it is inside a quoted
 * field, where {@code ""} is a literal quote. It reads bytes, not characters: in UTF-8 the quote, comma and line feed
 * bytes never occur inside a multi-byte character, so the boundaries are right even where the text is not valid
 * UTF-8 (that is judged per record, later). It also counts physical lines, so every record knows the line it
 * starts on.
 */
final class CsvRecordScanner {
  private enum State {
    FIELD_START,
    UNQUOTED,
    QUOTED,
    QUOTE_IN_QUOTED
  }

  private State state = State.FIELD_START;
  private long line;

  /** {@code firstLine}: the physical line number of the first byte fed. */
  CsvRecordScanner(long firstLine) {
    this.line = firstLine;
  }

  /** Feeds one byte; returns whether it ended a record (it was the record's terminating line feed). */
  boolean feed(byte b) {
    if (b == '\n') {
      line++;
    }
    switch (state) {
      case FIELD_START, UNQUOTED -> {
        if (b == '\n') {
          state = State.FIELD_START;
          return true;
        }
        if (b == ',') {
          state = State.FIELD_START;
        } else if (b == '"' && state == State.FIELD_START) {
          state = State.QUOTED;
        } else {
          state = State.UNQUOTED;
        }
      }
      case QUOTED -> {
        if (b == '"') {
          state = State.QUOTE_IN_QUOTED;
        }
      }
      case QUOTE_IN_QUOTED -> {
        if (b == '\n') {
          state = State.FIELD_START;
          return true;
        }
        if (b == '"') {
          state = State.QUOTED;
        } else if (b == ',') {
          state = State.FIELD_START;
        } else if (b != '\r') {
          // Text after a closing quote: not RFC 4180. The parser rejects the record; here it is plain text.
          state = State.UNQUOTED;
        }
      }
    }
    return false;
  }

  /** The physical line the next byte is on. */
  long line() {
    return line;
  }

  /** Whether the bytes fed so far end inside a quoted field: an unterminated quote at the end of the input. */
  boolean insideQuotes() {
    return state == State.QUOTED;
  }
}
