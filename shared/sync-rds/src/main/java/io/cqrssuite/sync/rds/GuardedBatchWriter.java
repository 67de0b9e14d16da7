package io.cqrssuite.sync.rds;

import io.cqrssuite.failure.FailureKind;
import io.cqrssuite.sync.SyncOutcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes rows of one table as a JDBC batch of the version-guarded upsert, one transaction per call, and maps the
 * per-row update counts back to outcomes (contract §4).
 *
 * <p>A JDBC batch fails as a whole. When the error may be a row's fault, the rows are split in halves and each
 * half written again in its own transaction, recursively, until the bad rows stand alone: the others are written,
 * only the bad ones fail. The number of executions per call is bounded, so a batch full of bad rows cannot loop
 * for the rest of the invocation. Rows left when the bound is reached were never tried alone: they fail
 * transiently under their own name, never with another row's error, and the redelivery retries them with a fresh
 * budget. An error that is not the rows' fault (the moment's, or the deployment's: a renamed column, a revoked
 * grant) is not split: every row it covers fails transiently with it, and after a deployment fault no further
 * execution is made. Writing rows again is harmless: the guard makes a repeated row a no-op.
 *
 * <p>A held-back row (update count 0) is a {@link SyncOutcome.Duplicate} or, when the table holds a newer version,
 * a {@link SyncOutcome.Stale}; one query per call over the held-back ids tells them apart.
 */
final class GuardedBatchWriter {
  private static final int LOOKUP_CHUNK = 500;
  private final SqlDialect dialect;
  private final int maxExecutions;

  GuardedBatchWriter(SqlDialect dialect, int maxExecutions) {
    this.dialect = dialect;
    this.maxExecutions = maxExecutions;
  }

  /**
   * Writes {@code rows} and returns one outcome per row, in order.
   *
   * @throws SQLException only when the connection was lost; rows committed before that stay written, and
   *     writing them all again on a new connection is safe
   */
  List<SyncOutcome> write(RdsConnections.Lease lease, VerifiedTable table, List<BoundRow> rows) throws SQLException {
    Isolation isolation = new Isolation(lease, table, rows);
    isolation.isolate(0, rows.size(), null);
    resolveHeldBack(lease, table, rows, isolation.outcomes, isolation.heldBack);
    return List.of(isolation.outcomes);
  }

  /** One call's splitting: its budget, and the deployment fault that ends it early. */
  private final class Isolation {
    private final RdsConnections.Lease lease;
    private final Connection connection;
    private final VerifiedTable table;
    private final List<BoundRow> rows;
    private final SyncOutcome[] outcomes;
    private final boolean[] heldBack;
    private int budget = maxExecutions;
    /** Set once the table itself failed: every further execution would fail alike, so none is made. */
    private SQLException deploymentFault;

    Isolation(RdsConnections.Lease lease, VerifiedTable table, List<BoundRow> rows) {
      this.lease = lease;
      this.connection = lease.connection();
      this.table = table;
      this.rows = rows;
      this.outcomes = new SyncOutcome[rows.size()];
      this.heldBack = new boolean[rows.size()];
    }

    /** Writes rows {@code [from, to)}; {@code covering} is the error of the range they were split from. */
    void isolate(int from, int to, SQLException covering) throws SQLException {
      if (deploymentFault != null) {
        fail(from, to, deploymentFault);
        return;
      }
      if (budget <= 0) {
        for (int i = from; i < to; i++) {
          outcomes[i] = SyncOutcome.Failed.of(SqlFailures.notIsolated(rows.get(i).change().id(), table.name(), covering));
        }
        return;
      }
      budget--;
      try {
        // Each transaction gets the time left now: a lock another session holds ends the wait before the deadline.
        lease.limitTransaction();
        int[] counts = execute(connection, table, rows.subList(from, to));
        connection.commit();
        for (int i = 0; i < counts.length; i++) {
          // Statement.SUCCESS_NO_INFO (-2) means written without a count; only 0 means the guard held the row back.
          heldBack[from + i] = counts[i] == 0;
          outcomes[from + i] = SyncOutcome.APPLIED;
        }
      } catch (SQLException e) {
        rollbackQuietly(connection);
        if (SqlFailures.connectionLost(e)) {
          throw e;
        }
        if (SqlFailures.deploymentFault(e)) {
          deploymentFault = e;
        }
        boolean notTheRows = SqlFailures.kind(e).filter(k -> k == FailureKind.TRANSIENT).isPresent();
        if (to - from == 1 || notTheRows) {
          fail(from, to, e);
          return;
        }
        int middle = (from + to) >>> 1;
        isolate(from, middle, e);
        isolate(middle, to, e);
      }
    }

    private void fail(int from, int to, SQLException error) {
      for (int i = from; i < to; i++) {
        outcomes[i] = SyncOutcome.Failed.of(SqlFailures.forRecord(rows.get(i).change().id(), table.name(), error));
      }
    }
  }

  private int[] execute(Connection connection, VerifiedTable table, List<BoundRow> rows) throws SQLException {
    List<RowLayout.Slot> slots = table.layout().slots();
    try (PreparedStatement statement = connection.prepareStatement(table.upsertSql())) {
      for (BoundRow row : rows) {
        for (int i = 0; i < slots.size(); i++) {
          Object value = row.values()[i];
          if (value == null) {
            statement.setNull(i + 1, nullType(slots.get(i).type()));
          } else {
            dialect.bind(statement, i + 1, slots.get(i).type(), value);
          }
        }
        statement.addBatch();
      }
      return statement.executeBatch();
    }
  }

  /** Tells duplicates from stale rows by the stored versions; if that read fails, all count as duplicates. */
  private static void resolveHeldBack(
      RdsConnections.Lease lease, VerifiedTable table, List<BoundRow> rows, SyncOutcome[] outcomes, boolean[] heldBack) {
    Connection connection = lease.connection();
    List<Integer> positions = new ArrayList<>();
    for (int i = 0; i < heldBack.length; i++) {
      if (heldBack[i]) {
        outcomes[i] = SyncOutcome.DUPLICATE;
        positions.add(i);
      }
    }
    if (positions.isEmpty()) {
      return;
    }
    Map<String, Long> stored;
    try {
      lease.limitTransaction();
      stored = storedVersions(connection, table, positions.stream().map(i -> rows.get(i).change().id()).toList());
      connection.commit();
    } catch (SQLException e) {
      // The writes are committed and every held-back row succeeded either way; only the label is lost.
      rollbackQuietly(connection);
      return;
    }
    for (int i : positions) {
      Long version = stored.get(rows.get(i).change().id());
      if (version != null && version > rows.get(i).change().version()) {
        outcomes[i] = new SyncOutcome.Stale(version);
      }
    }
  }

  private static Map<String, Long> storedVersions(Connection connection, VerifiedTable table, List<String> ids)
      throws SQLException {
    Map<String, Long> versions = new HashMap<>();
    for (int start = 0; start < ids.size(); start += LOOKUP_CHUNK) {
      List<String> chunk = ids.subList(start, Math.min(ids.size(), start + LOOKUP_CHUNK));
      String sql =
          "SELECT id, version FROM " + table.name() + " WHERE id IN ("
              + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")";
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        for (int i = 0; i < chunk.size(); i++) {
          statement.setString(i + 1, chunk.get(i));
        }
        try (ResultSet result = statement.executeQuery()) {
          while (result.next()) {
            versions.put(result.getString(1), result.getLong(2));
          }
        }
      }
    }
    return versions;
  }

  static int nullType(RdsColumnType type) {
    return switch (type) {
      case TEXT, JSON -> Types.VARCHAR;
      case BIGINT -> Types.BIGINT;
      case NUMERIC -> Types.NUMERIC;
      case BOOLEAN -> Types.BOOLEAN;
      case TIMESTAMP -> Types.TIMESTAMP;
    };
  }

  private static void rollbackQuietly(Connection connection) {
    try {
      connection.rollback();
    } catch (SQLException ignored) {
      // The connection is broken or the transaction already gone; the caller learns of it on the next use.
    }
  }
}
