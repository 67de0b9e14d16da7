package io.cqrssuite.command;

import java.util.List;
import java.util.Map;

/**
 * Writes entity plans to the history and data tables: each plan's history puts before (or atomically with) its data
 * put, so a state is never replaced before it is archived. A plan whose writes did not all succeed is reported,
 * never thrown, so the others' results stand.
 */
interface PlanWrites {
  /** What became of one plan's writes. */
  enum Result {
    /** Every write succeeded, or was a replay of one that had (a history item already there). */
    WRITTEN,
    /** The data item is no longer the one the plan was made from: read it again and plan again. */
    MOVED,
    /** A write failed for another reason (throttling, a service error): worth trying again. */
    FAILED
  }

  /** The result of each plan, by entity; plans without writes are {@link Result#WRITTEN}. */
  Map<EntityKey, Result> write(List<EntityPlan> plans);

  /** How the writes were made, for reports: {@code transactions} or {@code conditional-puts}. */
  String name();
}
