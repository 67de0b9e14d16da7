package io.cqrssuite.reconcile;

import java.util.Objects;
import java.util.Optional;

/**
 * The rule that decides whether a source entity and its read-model copy differ, and how (contract: the read model
 * follows the source by version; content is compared only at the same version).
 */
public final class Comparison {
  private Comparison() {}

  /**
   * @param source {@code null} when the source does not hold the entity
   * @param stored {@code null} when the read model does not hold it
   * @param expectedHash the content hash the read model should hold for {@code source} when live ({@code null} for a
   *     deleted source)
   */
  public static Optional<DifferenceKind> of(SourceEntity source, StoredEntity stored, String expectedHash) {
    if (source == null && stored == null) {
      return Optional.empty();
    }
    if (source == null) {
      return Optional.of(stored.deleted() ? DifferenceKind.ABSENT : DifferenceKind.ORPHANED);
    }
    if (stored != null && stored.version() > source.version()) {
      // The read model is ahead: a newer change reached it before the scan read the source.
      return Optional.empty();
    }
    if (source.deleted()) {
      // A missing or older tombstone hides nothing; a live copy shows what the source deleted.
      return stored != null && !stored.deleted() ? Optional.of(DifferenceKind.RESURRECTED) : Optional.empty();
    }
    if (stored == null) {
      return Optional.of(DifferenceKind.LOST);
    }
    if (stored.version() < source.version()) {
      return Optional.of(DifferenceKind.STALE);
    }
    if (stored.deleted() || !Objects.equals(stored.contentHash(), expectedHash)) {
      return Optional.of(DifferenceKind.DRIFTED);
    }
    return Optional.empty();
  }
}
