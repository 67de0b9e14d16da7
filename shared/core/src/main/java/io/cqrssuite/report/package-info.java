/**
 * The NDJSON file format the operations write (dead-letter exports, reconcile reports, backups): a {@code __meta__}
 * first line with the SHA-256 of the lines after it, and a {@code sha256sum} sidecar ({@link NdjsonReport}).
 */
package io.cqrssuite.report;
