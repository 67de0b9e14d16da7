package io.cqrssuite.catalog.operations;

import io.cqrssuite.failure.PermanentException;

/**
 * The backfill's last step refused to swap (differences remain in the next index after the reconcile passes with
 * heal): the workflow does not retry it, and the execution fails with this class as its error and the reason as its
 * cause. The next index stays open and dual-written.
 */
public final class BackfillNotSwappedException extends PermanentException {
  public BackfillNotSwappedException(String reason) {
    super(reason);
  }
}
