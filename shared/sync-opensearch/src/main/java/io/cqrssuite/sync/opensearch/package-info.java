/**
 * The OpenSearch read model: {@code _bulk} writes with external versions and tombstone documents, an index template
 * the function names, read and write aliases, rebuild and swap, the tombstone purge; wired by {@link
 * io.cqrssuite.sync.opensearch.OpenSearchSyncModule}.
 */
package io.cqrssuite.sync.opensearch;
