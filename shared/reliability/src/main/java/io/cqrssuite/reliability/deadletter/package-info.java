/**
 * Dead letters on SQS ({@link io.cqrssuite.reliability.deadletter.SqsDeadLetters}, the core's dead-letter sink;
 * envelopes too large for a message go whole to S3), and the tools behind {@code ./suite dlq}: read, export as
 * NDJSON with a SHA-256, replay with the original event ids.
 */
package io.cqrssuite.reliability.deadletter;
