package io.cqrssuite.sync.rds;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Deletes tombstones older than a horizon (contract §2). A tombstone only has to outlive every redelivery and
 * replay of the changes before it: the stream keeps records 24 hours, the dead letters 14 days, so the default
 * horizon is 16 days ({@link RdsSettings#DEFAULT_TOMBSTONE_RETENTION}). Run it on a schedule, not on the sync path.
 */
public final class TombstonePurge implements io.cqrssuite.sync.TombstonePurger {
  private final RdsConnections connections;
  private final RdsSchema schema;
  private final Clock clock;
  private final Duration defaultHorizon;

  public TombstonePurge(RdsConnections connections, RdsSchema schema, Clock clock, Duration defaultHorizon) {
    this.connections = connections;
    this.schema = schema;
    this.clock = clock;
    this.defaultHorizon = defaultHorizon;
  }

  /** Purges with the configured horizon ({@code SUITE_TOMBSTONE_RETENTION_HOURS}). */
  public long purgeTombstones() throws SQLException {
    return purgeTombstones(defaultHorizon);
  }

  @Override
  public String target() {
    return "rds";
  }

  @Override
  public long purgeExpired() throws SQLException {
    return purgeTombstones();
  }

  /**
   * Deletes the tombstones written (synced) more than {@code olderThan} ago, in every mapped table, one
   * transaction per table; live rows are never touched.
   *
   * @return how many tombstones were deleted
   */
  public long purgeTombstones(Duration olderThan) throws SQLException {
    if (olderThan.isNegative()) {
      throw new IllegalArgumentException("the purge horizon must not be negative, found " + olderThan);
    }
    Instant cutoff = clock.instant().minus(olderThan);
    long purged = 0;
    for (VerifiedTable table : schema.tables()) {
      try (RdsConnections.Lease lease = connections.borrow()) {
        Connection connection = lease.connection();
        String sql = "DELETE FROM " + table.name() + " WHERE is_deleted = TRUE AND synced_at < ?";
        try {
          lease.limitTransaction();
          try (PreparedStatement statement = connection.prepareStatement(sql)) {
            connections.dialect().bind(statement, 1, RdsColumnType.TIMESTAMP, cutoff);
            purged += statement.executeUpdate();
          }
          connection.commit();
        } catch (SQLException e) {
          // The lease rolls back what is left; a lost connection is closed instead of lent again.
          if (SqlFailures.connectionLost(e)) {
            lease.evict();
          }
          throw e;
        }
      }
    }
    return purged;
  }
}
