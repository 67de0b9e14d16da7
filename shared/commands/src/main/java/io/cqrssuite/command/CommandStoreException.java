package io.cqrssuite.command;

import io.cqrssuite.failure.TransientException;

/** DynamoDB or S3 could not be read or written (unreachable, throttled, failing): worth retrying. */
public final class CommandStoreException extends TransientException {
  private static final long serialVersionUID = 1L;

  public CommandStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
