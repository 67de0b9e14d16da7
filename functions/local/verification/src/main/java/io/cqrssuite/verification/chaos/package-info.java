/**
 * {@code ./suite chaos}: the delivery guarantees under faults: a stream shard delivered with the template's mapping
 * settings to a worker process killed mid-batch, read models behind fault-injecting proxies, given-up batches
 * recovered through the pointer consumer and replayed, and both read models checked. Not API.
 */
package io.cqrssuite.verification.chaos;
