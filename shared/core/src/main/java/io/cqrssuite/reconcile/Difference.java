package io.cqrssuite.reconcile;

import java.util.List;

/**
 * One entity on which a read model and its source disagree.
 *
 * @param sourceVersion {@code -1} when the source does not hold the entity
 * @param targetVersion {@code -1} when the read model does not hold it
 * @param fields for a drift, the fields whose content differs ({@code attributes.x} inside a JSON column), never their
 *     values; else empty
 */
public record Difference(
    String target,
    DifferenceKind kind,
    String id,
    long sourceVersion,
    long targetVersion,
    String sourceHash,
    String targetHash,
    List<String> fields) {
  public Difference {
    fields = List.copyOf(fields);
  }

  /** The same difference, naming the fields that differ. */
  public Difference naming(List<String> differing) {
    return new Difference(target, kind, id, sourceVersion, targetVersion, sourceHash, targetHash, differing);
  }
}
