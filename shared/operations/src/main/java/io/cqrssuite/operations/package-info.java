/**
 * Operations that keep read models right over time. {@link io.cqrssuite.operations.Reconciler} compares a source
 * table ({@link io.cqrssuite.operations.SourceTable}) with its read models and heals the differences through the
 * version-guarded sync.
 */
package io.cqrssuite.operations;
