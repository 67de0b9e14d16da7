package io.cqrssuite.sync;

/**
 * Deletes a read model's tombstones older than its configured horizon (contract §2). Run from a schedule, never on
 * the sync path: a tombstone must outlive every redelivery and replay of the changes before it.
 */
public interface TombstonePurger {
  /** The read model, for logs and results. */
  String target();

  /** @return how many tombstones were deleted */
  long purgeExpired() throws Exception;
}
