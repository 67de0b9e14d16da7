package io.cqrssuite.reconcile;

/**
 * One entity on which a read model and its source disagree.
 *
 * @param sourceVersion {@code -1} when the source does not hold the entity
 * @param targetVersion {@code -1} when the read model does not hold it
 */
public record Difference(
    String target,
    DifferenceKind kind,
    String id,
    long sourceVersion,
    long targetVersion,
    String sourceHash,
    String targetHash) {}
