package io.cqrssuite.sync;

import io.cqrssuite.event.ChangeRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * Projects entity changes into one read model: {@link #up} for a create or update, {@link #down} for a delete (the
 * {@code IDataSyncHandler} shape of MBC CQRS Serverless, with {@code down} actually called). Every change is the
 * normalised {@link ChangeRecord}: the full image at a version, so applying the newest alone is always right.
 *
 * <p>Bulk targets override {@link #sync} to write a whole batch at once and return one outcome per change. The
 * dispatcher hands each handler at most one change per entity per batch (the highest version), so a handler never
 * sees two versions of one entity in one call.
 *
 * <p>Register handlers with Dagger into a {@code Set<DataSyncHandler>} ({@code @Binds @IntoSet}); several may take
 * the same table, and they run concurrently.
 */
public interface DataSyncHandler {
  /** The name used in logs, results and dead letters. */
  default String name() {
    return getClass().getSimpleName();
  }

  /** Whether this handler projects the change's table (decided per change: by table name, pk prefix, ...). */
  boolean accepts(ChangeRecord change);

  /** Create or update the entity at {@code change.version()}, unless the target holds that version or newer. */
  SyncOutcome up(ChangeRecord change) throws Exception;

  /** Delete the entity, leaving a tombstone at {@code change.version()} so an older upsert cannot resurrect it. */
  SyncOutcome down(ChangeRecord change) throws Exception;

  /**
   * Applies a batch, one outcome per change in the same order. The default calls {@link #up} or {@link #down}
   * one change at a time, each failure kept to its change.
   */
  default List<SyncOutcome> sync(List<ChangeRecord> changes) {
    List<SyncOutcome> outcomes = new ArrayList<>(changes.size());
    for (ChangeRecord change : changes) {
      try {
        SyncOutcome outcome = change.deleted() ? down(change) : up(change);
        outcomes.add(outcome == null ? SyncOutcome.APPLIED : outcome);
      } catch (Exception | StackOverflowError e) {
        outcomes.add(SyncOutcome.Failed.of(e));
      }
    }
    return outcomes;
  }
}
