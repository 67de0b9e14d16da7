package io.cqrssuite.reconcile;

/**
 * One entity as a read model holds it: its id, version, whether it is a tombstone, and the hash of its mapped fields
 * ({@code null} for a tombstone, whose fields are gone by design).
 */
public record StoredEntity(String id, long version, boolean deleted, String contentHash) {}
