package io.cqrssuite.sync.rds;

import io.cqrssuite.alarm.Alarm;
import io.cqrssuite.alarm.AlarmSink;
import io.cqrssuite.alarm.Severity;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.failure.PermanentException;
import io.cqrssuite.failure.TransientException;
import io.cqrssuite.sync.DataSyncHandler;
import io.cqrssuite.sync.SyncOutcome;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Projects entity changes into relational tables (PostgreSQL, MySQL/MariaDB) over plain JDBC, version-guarded
 * (contract §2): an upsert applies only over an older version, a delete leaves a tombstone row
 * ({@code is_deleted = true}) at its version that no older upsert can overwrite. Every write carries the full
 * image, so applying the newest version alone is right.
 *
 * <p>{@link #sync} writes one JDBC batch per table, in chunks of at most {@code maxBatchRows}, each chunk one
 * transaction (contract §4). A value that cannot fit its column fails its record alone, before anything is sent;
 * a row the database refuses is isolated by splitting the batch; a lost connection is replaced and the chunk
 * written once more. No failure escapes as an exception: each record gets its own outcome. Every statement and lock
 * wait is bounded by the invocation's time left ({@link RdsConnections}), so a stalled connection or a lock held by
 * another session fails the records transiently before the invocation runs out of time.
 *
 * <p>A table that no longer matches its mapping (a renamed column, a revoked grant: {@link DeploymentFaultException})
 * fails its records transiently, so they back off instead of filling the dead letters; its check is forgotten and
 * run again on the next use, and one CRITICAL alarm is raised for the table per episode: from the first such
 * failure until a row of the table is written again. The alarm sink de-duplicates further across containers.
 */
public final class RdsSyncHandler implements DataSyncHandler {
  /** Rows per JDBC batch and transaction: large enough to amortise round trips, small enough for short locks. */
  public static final int DEFAULT_MAX_BATCH_ROWS = 1000;

  /** Executions allowed per chunk while isolating bad rows: about 3 bad rows in 1000, then the rest are retried. */
  static final int MAX_EXECUTIONS_PER_CHUNK = 64;

  private final RdsConnections connections;
  private final RdsSchema schema;
  private final Clock clock;
  private final int maxBatchRows;
  private final AlarmSink alarms;
  private final GuardedBatchWriter writer;
  /** Tables whose deployment fault was alarmed and not yet followed by a written row. */
  private final Set<String> faultyTables = ConcurrentHashMap.newKeySet();

  public RdsSyncHandler(
      RdsConnections connections, RdsSchema schema, Clock clock, int maxBatchRows, AlarmSink alarms) {
    if (maxBatchRows < 1) {
      throw new IllegalArgumentException("maxBatchRows must be at least 1, found " + maxBatchRows);
    }
    this.connections = connections;
    this.schema = schema;
    this.clock = clock;
    this.maxBatchRows = maxBatchRows;
    this.alarms = alarms;
    this.writer = new GuardedBatchWriter(connections.dialect(), MAX_EXECUTIONS_PER_CHUNK);
  }

  /** Without alarms. */
  public RdsSyncHandler(RdsConnections connections, RdsSchema schema, Clock clock, int maxBatchRows) {
    this(connections, schema, clock, maxBatchRows, AlarmSink.none());
  }

  /** Without alarms, in chunks of {@link #DEFAULT_MAX_BATCH_ROWS}. */
  public RdsSyncHandler(RdsConnections connections, RdsSchema schema, Clock clock) {
    this(connections, schema, clock, DEFAULT_MAX_BATCH_ROWS);
  }

  @Override
  public String name() {
    return "rds-" + connections.dialect().name();
  }

  @Override
  public boolean accepts(ChangeRecord change) {
    return schema.accepts(change);
  }

  @Override
  public SyncOutcome up(ChangeRecord change) throws Exception {
    return single(change);
  }

  @Override
  public SyncOutcome down(ChangeRecord change) throws Exception {
    return single(change);
  }

  /**
   * Safe to call from several invocations at once (Lambda Managed Instances): each call borrows its own connection
   * from the pool, per table.
   */
  @Override
  public List<SyncOutcome> sync(List<ChangeRecord> changes) {
    SyncOutcome[] outcomes = new SyncOutcome[changes.size()];
    List<RdsTableMapping> mappings = schema.mappings();
    List<List<Integer>> positionsByTable = new ArrayList<>();
    mappings.forEach(mapping -> positionsByTable.add(new ArrayList<>()));
    for (int i = 0; i < changes.size(); i++) {
      ChangeRecord change = changes.get(i);
      int table = indexOfTable(mappings, change);
      if (table < 0) {
        outcomes[i] =
            SyncOutcome.Failed.of(
                new PermanentException(
                    "record " + change.id() + ": no table mapping takes table " + change.table() + ", pk " + change.pk()));
      } else {
        positionsByTable.get(table).add(i);
      }
    }
    Instant syncedAt = clock.instant();
    for (int table = 0; table < mappings.size(); table++) {
      List<Integer> positions = positionsByTable.get(table);
      if (!positions.isEmpty()) {
        syncTable(table, positions, changes, syncedAt, outcomes);
      }
    }
    return List.of(outcomes);
  }

  private static int indexOfTable(List<RdsTableMapping> mappings, ChangeRecord change) {
    for (int i = 0; i < mappings.size(); i++) {
      if (mappings.get(i).accepts(change)) {
        return i;
      }
    }
    return -1;
  }

  /** Checks the table (when its check is not kept), binds its rows and writes them chunk by chunk. */
  private void syncTable(
      int index, List<Integer> positions, List<ChangeRecord> changes, Instant syncedAt, SyncOutcome[] outcomes) {
    String name = schema.mappings().get(index).table();
    VerifiedTable table;
    try {
      table = schema.table(index);
    } catch (SQLException | IllegalArgumentException e) {
      // The schema could not be read or does not match the mapping: not the records' fault, so transient (they
      // back off and are redelivered; once the schema or the configuration is fixed, they go through).
      boolean deployment = e instanceof IllegalArgumentException || SqlFailures.deploymentFault((SQLException) e);
      for (int position : positions) {
        String id = changes.get(position).id();
        outcomes[position] =
            SyncOutcome.Failed.of(
                deployment
                    ? new DeploymentFaultException(id, name, e.getMessage(), e)
                    : new TransientException("record " + id + ": the relational schema is unavailable: " + e.getMessage(), e));
      }
      afterTable(null, name, positions, outcomes);
      return;
    }
    List<BoundRow> rows = new ArrayList<>();
    for (int position : positions) {
      ChangeRecord change = changes.get(position);
      try {
        rows.add(new BoundRow(position, change, RowValues.of(change, table, syncedAt)));
      } catch (ColumnValueException e) {
        outcomes[position] = SyncOutcome.Failed.of(e);
      }
    }
    for (int start = 0; start < rows.size(); start += maxBatchRows) {
      writeChunk(table, rows.subList(start, Math.min(rows.size(), start + maxBatchRows)), outcomes);
    }
    afterTable(table, name, positions, outcomes);
  }

  /**
   * After a table's records: on a deployment fault, forgets the table's check and raises the episode's alarm if
   * it is the first; once a row is written, the episode is over.
   */
  private void afterTable(VerifiedTable table, String name, List<Integer> positions, SyncOutcome[] outcomes) {
    List<DeploymentFaultException> faults = new ArrayList<>();
    boolean written = false;
    for (int position : positions) {
      SyncOutcome outcome = outcomes[position];
      if (outcome instanceof SyncOutcome.Failed failed && failed.error() instanceof DeploymentFaultException fault) {
        faults.add(fault);
      } else if (outcome.succeeded()) {
        written = true;
      }
    }
    if (faults.isEmpty()) {
      if (written) {
        faultyTables.remove(name);
      }
      return;
    }
    if (table != null) {
      schema.invalidate(table);
    }
    if (faultyTables.add(name)) {
      alarms.raise(
          List.of(
              new Alarm(
                  Severity.CRITICAL,
                  alarms.source(),
                  name() + "[" + name + "]",
                  DeploymentFaultException.class.getName(),
                  faults.get(0).reason(),
                  faults.stream().map(DeploymentFaultException::recordId).limit(Alarm.MAX_EVENT_IDS).toList(),
                  faults.size())));
    }
  }

  /**
   * Writes one chunk; on a lost connection, once more on a new one, since the guard makes repeats harmless. A
   * connection that could not be had at all (the pool stayed busy, the database did not answer in time) is not
   * tried again here: the dispatcher's retry decides, within the deadline.
   */
  private void writeChunk(VerifiedTable table, List<BoundRow> rows, SyncOutcome[] outcomes) {
    SQLException lost = null;
    for (int attempt = 1; attempt <= 2; attempt++) {
      RdsConnections.Lease lease;
      try {
        lease = connections.borrow();
      } catch (SQLException e) {
        lost = e;
        break;
      }
      try (lease) {
        List<SyncOutcome> written = writer.write(lease, table, rows);
        for (int i = 0; i < rows.size(); i++) {
          outcomes[rows.get(i).position()] = written.get(i);
        }
        return;
      } catch (SQLException e) {
        lease.evict();
        lost = e;
      }
    }
    for (BoundRow row : rows) {
      outcomes[row.position()] =
          SyncOutcome.Failed.of(
              new TransientException(
                  "record " + row.change().id() + ": table " + table.name() + " unreachable (a lost connection is tried once more on a new one): "
                      + lost.getMessage(),
                  lost));
    }
  }

  private SyncOutcome single(ChangeRecord change) throws Exception {
    SyncOutcome outcome = sync(List.of(change)).get(0);
    if (outcome instanceof SyncOutcome.Failed failed) {
      if (failed.error() instanceof Exception e) {
        throw e;
      }
      throw new TransientException("record " + change.id() + ": " + failed.error(), failed.error());
    }
    return outcome;
  }
}
