/**
 * Payload sizes per AWS channel ({@link io.cqrssuite.payload.Channel}): what decides when the suite offloads a
 * dead-letter envelope or a task output to S3.
 */
package io.cqrssuite.payload;
