package io.cqrssuite.reconcile;

/** One entity as the source table holds it: all the comparison reads of it. */
public record SourceEntity(String id, long version, boolean deleted) {}
