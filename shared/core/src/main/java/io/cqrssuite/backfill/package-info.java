/**
 * Read models that can be filled again beside themselves and switched over in one step ({@link
 * io.cqrssuite.backfill.VersionedReadModel}), implemented by each read model's module; the orchestration (create,
 * dual write, resync, reconcile, swap, rollback, clean) lives in cqrs-suite-operations, which needs only this
 * interface and {@link io.cqrssuite.reconcile.ReconcileTarget} at compile time.
 */
package io.cqrssuite.backfill;
