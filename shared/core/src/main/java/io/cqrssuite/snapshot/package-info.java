/**
 * What a Lambda SnapStart snapshot must see to: before it, the dispatch path is run on synthetic events of every
 * source (classes loaded and initialised, no network) and every pooled connection is closed, so that no restored
 * copy of the sandbox inherits a socket another copy also holds; after a restore, connections reopen on first use.
 * Modules that hold connections or have work worth doing before the snapshot contribute a
 * {@link io.cqrssuite.snapshot.SnapshotParticipant}; {@link io.cqrssuite.snapshot.SnapStartPriming} is the CRaC
 * {@code Resource} a function registers (the entrypoint handler does it for every function).
 */
package io.cqrssuite.snapshot;
