package io.cqrssuite.reconcile;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
   * The mapped fields the sync writes for {@code change} (a live one), reduced the way stored content is, so that equal
   * content is equal JSON.
   */
  ObjectNode expectedContent(ChangeRecord change);

  /** The hash of {@link #expectedContent}, as {@link StoredEntity#contentHash()} is of what is stored. */
  default String contentHash(ChangeRecord change) {
    return ContentHash.of(expectedContent(change));
  }

  /** The stored content of {@code ids} that are live (tombstones and absent ids are left out), for naming what drifted. */
  Map<String, ObjectNode> storedContent(Collection<String> ids) throws Exception;

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
