package io.cqrssuite.command;

import io.cqrssuite.failure.PermanentException;

/**
 * A command the service refused as it stands: retrying the same call gives the same answer, so it is permanent.
 * {@link #httpStatus()} is the status an API in front of the service should answer with.
 */
public abstract sealed class CommandRejectedException extends PermanentException
    permits VersionConflictException, CommandNotFoundException, CommandTooLargeException, InvalidCommandException {
  private static final long serialVersionUID = 1L;

  CommandRejectedException(String message) {
    super(message);
  }

  /** {@code message} names ids, names and types only; {@code detail} may quote the command's values. */
  CommandRejectedException(String message, String detail) {
    super(message, detail, null);
  }

  /** 400, 404, 409 or 413. */
  public abstract int httpStatus();
}
