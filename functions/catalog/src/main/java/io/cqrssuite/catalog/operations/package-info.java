/**
 * Operations requests of the deployed catalog, as {@code OperationsFunction} receives them: a turn of one resync
 * segment from the resync workflow ({@link io.cqrssuite.catalog.operations.ResyncSegments}), and the scheduled
 * reconcile ({@link io.cqrssuite.catalog.operations.ScheduledReconcile}), the steps of a backfill run of the workflow
 * around its turns ({@link io.cqrssuite.catalog.operations.BackfillSteps}), each reporting its progress as metrics
 * ({@link io.cqrssuite.catalog.operations.OperationsMetrics}).
 */
package io.cqrssuite.catalog.operations;
