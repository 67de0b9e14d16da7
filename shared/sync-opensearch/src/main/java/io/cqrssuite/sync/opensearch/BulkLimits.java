package io.cqrssuite.sync.opensearch;

/**
 * How large one {@code _bulk} request may grow, by both measures: the document count and the bytes on the wire.
 * Managed domains reject requests above their instance type's HTTP payload limit (10 MiB on small instances,
 * 100 MiB on large ones) with a 413, and large requests cost memory on both sides, so the byte bound is the one
 * that protects the domain; the count bound keeps a response's per-item results small.
 */
public record BulkLimits(int maxDocs, long maxBytes) {
  public static final int DEFAULT_MAX_DOCS = 1000;
  public static final long DEFAULT_MAX_BYTES = 5L * 1024 * 1024;

  public BulkLimits {
    if (maxDocs < 1) {
      throw new IllegalArgumentException("a bulk request must hold at least 1 document, found " + maxDocs);
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("a bulk request must allow at least 1 byte, found " + maxBytes);
    }
  }

  public static BulkLimits defaults() {
    return new BulkLimits(DEFAULT_MAX_DOCS, DEFAULT_MAX_BYTES);
  }
}
