/**
 * Reconcile's view of read models and the rule that compares them with their source ({@link
 * io.cqrssuite.reconcile.Comparison}): each read model implements {@link io.cqrssuite.reconcile.ReconcileTarget}; the
 * scan of the source and the orchestration live in cqrs-suite-operations.
 */
package io.cqrssuite.reconcile;
