package io.cqrssuite.reconcile;

/** How a read model differs from its source for one entity (a read model newer than the source is no difference). */
public enum DifferenceKind {
  /** Live in the source, missing from the read model. */
  LOST,
  /** Live in the source, older in the read model (live or tombstone). */
  STALE,
  /** The same version on both sides, different content (or a tombstone where the source is live at that version). */
  DRIFTED,
  /** Deleted in the source, live in the read model at the same or an older version. */
  RESURRECTED,
  /** Live in the read model, unknown to the source. */
  ORPHANED,
  /**
   * A tombstone in the read model for an entity the source no longer holds (after a REMOVE on a table whose removes
   * are deletes): the expected state until the tombstone purge, reported and never healed.
   */
  ABSENT;

  /** Whether a heal should make it go away; {@link #ABSENT} is left to the tombstone purge. */
  public boolean needsHealing() {
    return this != ABSENT;
  }
}
