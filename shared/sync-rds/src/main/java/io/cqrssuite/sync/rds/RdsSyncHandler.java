package io.cqrssuite.sync.rds;

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

/**
 * Projects entity changes into relational tables (PostgreSQL, MySQL/MariaDB) over plain JDBC, version-guarded
 * (contract §2): an upsert applies only over an older version, a delete leaves a tombstone row
 * ({@code is_deleted = true}) at its version that no older upsert can overwrite. Every write carries the full
 * image, so applying the newest version alone is right.
 *
 * <p>{@link #sync} writes one JDBC batch per table, in chunks of at most {@code maxBatchRows}, each chunk one
 * transaction (contract §4). A value that cannot fit its column fails its record alone, before anything is sent;
 * a row the database refuses is isolated by splitting the batch; a lost connection is replaced and the chunk
 * written once more. No failure escapes as an exception: each record gets its own outcome.
 */
public final class RdsSyncHandler implements DataSyncHandler {
  /** Rows per JDBC batch and transaction: large enough to amortise round trips, small enough for short locks. */
  public static final int DEFAULT_MAX_BATCH_ROWS = 1000;

  /** Executions allowed per chunk while isolating bad rows: about 3 bad rows in 1000, then the rest fail. */
  static final int MAX_EXECUTIONS_PER_CHUNK = 64;

  private final RdsConnections connections;
  private final RdsSchema schema;
  private final Clock clock;
  private final int maxBatchRows;
  private final GuardedBatchWriter writer;

  public RdsSyncHandler(RdsConnections connections, RdsSchema schema, Clock clock, int maxBatchRows) {
    if (maxBatchRows < 1) {
      throw new IllegalArgumentException("maxBatchRows must be at least 1, found " + maxBatchRows);
    }
    this.connections = connections;
    this.schema = schema;
    this.clock = clock;
    this.maxBatchRows = maxBatchRows;
    this.writer = new GuardedBatchWriter(connections.dialect(), MAX_EXECUTIONS_PER_CHUNK);
  }

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

  /** One call at a time: the calls share one connection, and a JDBC connection carries one transaction. */
  @Override
  public synchronized List<SyncOutcome> sync(List<ChangeRecord> changes) {
    SyncOutcome[] outcomes = new SyncOutcome[changes.size()];
    List<VerifiedTable> tables;
    try {
      tables = schema.tables();
    } catch (SQLException | IllegalArgumentException e) {
      // The schema could not be read or does not match the configuration: not the records' fault, so transient
      // (retried, then dead-lettered for a replay once the schema or the configuration is fixed).
      if (e instanceof SQLException sql && SqlFailures.connectionLost(sql)) {
        connections.discard();
      }
      for (int i = 0; i < outcomes.length; i++) {
        outcomes[i] =
            SyncOutcome.Failed.of(
                new TransientException(
                    "record " + changes.get(i).id() + ": the relational schema is unavailable: " + e.getMessage(), e));
      }
      return List.of(outcomes);
    }
    List<List<BoundRow>> rowsByTable = new ArrayList<>();
    tables.forEach(table -> rowsByTable.add(new ArrayList<>()));
    Instant syncedAt = clock.instant();
    for (int i = 0; i < changes.size(); i++) {
      ChangeRecord change = changes.get(i);
      int table = indexOfTable(tables, change);
      if (table < 0) {
        outcomes[i] =
            SyncOutcome.Failed.of(
                new PermanentException(
                    "record " + change.id() + ": no table mapping takes table " + change.table() + ", pk " + change.pk()));
        continue;
      }
      try {
        rowsByTable.get(table).add(new BoundRow(i, change, RowValues.of(change, tables.get(table), syncedAt)));
      } catch (ColumnValueException e) {
        outcomes[i] = SyncOutcome.Failed.of(e);
      }
    }
    for (int table = 0; table < tables.size(); table++) {
      List<BoundRow> rows = rowsByTable.get(table);
      for (int start = 0; start < rows.size(); start += maxBatchRows) {
        writeChunk(tables.get(table), rows.subList(start, Math.min(rows.size(), start + maxBatchRows)), outcomes);
      }
    }
    return List.of(outcomes);
  }

  private static int indexOfTable(List<VerifiedTable> tables, ChangeRecord change) {
    for (int i = 0; i < tables.size(); i++) {
      if (tables.get(i).mapping().accepts(change)) {
        return i;
      }
    }
    return -1;
  }

  /** Writes one chunk; on a lost connection, once more on a new one, since the guard makes repeats harmless. */
  private void writeChunk(VerifiedTable table, List<BoundRow> rows, SyncOutcome[] outcomes) {
    SQLException lost = null;
    for (int attempt = 1; attempt <= 2; attempt++) {
      try {
        List<SyncOutcome> written = writer.write(connections.connection(), table, rows);
        for (int i = 0; i < rows.size(); i++) {
          outcomes[rows.get(i).position()] = written.get(i);
        }
        return;
      } catch (SQLException e) {
        connections.discard();
        lost = e;
      }
    }
    for (BoundRow row : rows) {
      outcomes[row.position()] =
          SyncOutcome.Failed.of(
              new TransientException(
                  "record " + row.change().id() + ": table " + table.name() + " unreachable after a reconnect: "
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
