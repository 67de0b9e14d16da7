package io.cqrssuite.sync.rds;

import io.cqrssuite.event.ChangeRecord;

/**
 * A change converted to its upsert's parameter values, with its position in the caller's batch so the outcome
 * finds its way back.
 */
record BoundRow(int position, ChangeRecord change, Object[] values) {}
