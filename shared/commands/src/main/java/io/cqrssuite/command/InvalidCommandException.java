package io.cqrssuite.command;

/** The command itself is malformed (a missing key, a code with {@code @}, a patch that is not an object); HTTP 400. */
public final class InvalidCommandException extends CommandRejectedException {
  private static final long serialVersionUID = 1L;

  public InvalidCommandException(String message) {
    super(message);
  }

  /**
   * {@code message} is shown in logs and alarms and names ids, attribute names and types only; {@code detail} may
   * quote the command's values (the dead-letter envelope, and the API caller, who sent them).
   */
  public InvalidCommandException(String message, String detail) {
    super(message, detail);
  }

  @Override
  public int httpStatus() {
    return 400;
  }
}
