package io.cqrssuite.reliability.idempotency;

import io.cqrssuite.failure.TransientException;

/**
 * Another invocation holds the event's record and its lease has not run out: it is probably running the side effect
 * now. Transient, so the record is retried later and then either finds the stored result or, if that invocation
 * died, takes the record over.
 */
public final class IdempotencyInProgressException extends TransientException {
  private static final long serialVersionUID = 1L;

  public IdempotencyInProgressException(String key) {
    super("idempotency record " + key + " is in progress in another invocation; retry later");
  }
}
