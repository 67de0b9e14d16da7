package io.cqrssuite.command;

/** The command itself is malformed (a missing key, a code with {@code @}, a patch that is not an object); HTTP 400. */
public final class InvalidCommandException extends CommandRejectedException {
  private static final long serialVersionUID = 1L;

  public InvalidCommandException(String message) {
    super(message);
  }

  @Override
  public int httpStatus() {
    return 400;
  }
}
