/**
 * Data sync into read models: a {@link io.cqrssuite.sync.DataSyncHandler} per target with {@code up} and {@code
 * down}, run by the {@link io.cqrssuite.sync.DataSyncDispatcher} over every stream delivery (newest version per
 * entity, targets in parallel, an outcome per record); {@link io.cqrssuite.sync.SyncModule} wires it. Every write
 * is version-guarded (contract §2).
 */
package io.cqrssuite.sync;
