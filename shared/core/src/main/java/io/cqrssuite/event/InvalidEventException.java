package io.cqrssuite.event;

import io.cqrssuite.failure.PermanentException;

/**
 * The input cannot become a domain event: malformed JSON, a missing or mistyped field, an unknown source. The
 * message names what was wrong and where (JSON pointer), so an operator reading the dead letter can fix it; the
 * offending value, if any, is only in its {@link #detail()}.
 */
public final class InvalidEventException extends PermanentException {
  private static final long serialVersionUID = 1L;
  private final String where;

  public InvalidEventException(String where, String problem) {
    super(where.isEmpty() ? problem : where + ": " + problem);
    this.where = where;
  }

  public InvalidEventException(String where, String problem, Throwable cause) {
    super(where.isEmpty() ? problem : where + ": " + problem, cause);
    this.where = where;
  }

  /**
   * With a {@code detail} that may quote the input (the value, the parser's own message), for the dead-letter
   * envelope alone; {@code problem} is what logs and alarms show (contract §5).
   */
  public InvalidEventException(String where, String problem, String detail, Throwable cause) {
    super(where.isEmpty() ? problem : where + ": " + problem, where.isEmpty() ? detail : where + ": " + detail, cause);
    this.where = where;
  }

  /** A JSON pointer or path into the delivered event, empty when the whole document is at fault. */
  public String where() {
    return where;
  }
}
