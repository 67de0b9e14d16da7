/**
 * Operations that keep read models right over time. {@link io.cqrssuite.operations.Reconciler} compares a source
 * table ({@link io.cqrssuite.operations.SourceTable}) with its read models and heals the differences through the
 * version-guarded sync; {@link io.cqrssuite.operations.Resync} writes a source table into its read models again, from
 * checkpoints in a file ({@link io.cqrssuite.operations.FileCheckpoints}) or, for a deployed workflow whose segments
 * run as separate workers, in DynamoDB ({@link io.cqrssuite.operations.DynamoDbCheckpoints}).
 */
package io.cqrssuite.operations;
