package io.cqrssuite.reconcile;

import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.sync.SyncOutcome;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A read model as reconcile sees it: what it holds, what it should hold for a change, and the writes that heal it,
 * every one version-guarded like the live sync.
 */
public interface ReconcileTarget {
  /** For reports: {@code rds-postgresql[product]}, {@code opensearch[products]}. */
  String name();

  /** Whether the read model takes this entity at all (its table or document selector). */
  boolean accepts(ChangeRecord change);

  /**
   * The hash of the mapped fields the sync writes for {@code change} (a live one), computed the way
   * {@link StoredEntity#contentHash()} is from what is stored, so that equal content hashes equal.
   */
  String contentHash(ChangeRecord change);

  /** The stored copies of {@code ids} (absent ids are left out). */
  Map<String, StoredEntity> read(Collection<String> ids) throws Exception;

  /** Every stored entity, tombstones included, in no particular order. */
  void scan(Consumer<StoredEntity> sink) throws Exception;

  /** Live entities and tombstones, exactly. */
  Counts counts() throws Exception;

  /** The live sync's version-guarded write of {@code changes} (a newer stored version always wins). */
  List<SyncOutcome> sync(List<ChangeRecord> changes) throws Exception;

  /**
   * Rewrites {@code change} over a copy of the same version whose content drifted, only while the stored version is
   * still {@code storedVersion}: a newer change that lands meanwhile is never overwritten.
   *
   * @return whether it was rewritten
   */
  boolean rewrite(ChangeRecord change, long storedVersion) throws Exception;

  /**
   * Turns an orphan into a tombstone at its stored version (never deletes it: the purge does, after its horizon),
   * only while that is still its version.
   *
   * @return whether it was hidden
   */
  boolean hide(StoredEntity orphan) throws Exception;

  /** Live entities and tombstones of a read model. */
  record Counts(long live, long tombstones) {}
}
