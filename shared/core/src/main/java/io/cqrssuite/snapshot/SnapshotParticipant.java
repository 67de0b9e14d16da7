package io.cqrssuite.snapshot;

/**
 * A part of a function with something to do around a SnapStart snapshot: a pool that must hold no connection in it,
 * a client worth building before it. Contributed to the component with {@code @Provides @ElementsIntoSet} (the core
 * declares the set, so it may be empty).
 */
public interface SnapshotParticipant {
  /**
   * Just before the snapshot: build what needs no network, and close every connection held (idle ones at once; a
   * pool stays usable and reopens connections on demand). Must not reach the network.
   */
  void beforeSnapshot();

  /** Just after a restore. Nothing by default: closed connections reopen at first use. */
  default void afterRestore() {}
}
