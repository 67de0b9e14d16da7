/**
 * {@code ./suite bench cost}: the cost of syncing a million changes, computed from the calls other benches counted
 * (command sync's DynamoDB capacity units, the read-model sync's invocations and handler time) and a list of list
 * prices kept beside it with their sources, never from estimates.
 */
package io.cqrssuite.bench.cost;
