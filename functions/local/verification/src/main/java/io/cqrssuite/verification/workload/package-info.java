/**
 * The generated product workload (duplicates, reordering, deletes, TTL removals) as DynamoDB stream deliveries, the
 * state expected from its log, and the oracle that checks both read models over plain SQL and HTTP. Not API.
 */
package io.cqrssuite.verification.workload;
