package io.cqrssuite.reliability.idempotency;

import io.cqrssuite.failure.TransientException;

/**
 * The idempotency table could not be read or written (throttling, 5xx, unreachable). Transient: the record fails
 * and is retried, and the side effect does not run while the store cannot say whether it already ran.
 */
public final class IdempotencyStoreException extends TransientException {
  private static final long serialVersionUID = 1L;

  public IdempotencyStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
