package io.cqrssuite.sync.rds;

import io.cqrssuite.event.ChangeRecord;
import java.sql.SQLException;
import java.util.List;

/**
 * The configured table mappings, each checked against the live schema on its first use ({@link SchemaAllowList})
 * and kept verified until a write finds the table changed under it ({@link #invalidate}); then it is checked
 * again on its next use, never at init. A check that fails is not kept, so a schema migrated after one attempt is
 * picked up by the next.
 */
public final class RdsSchema {
  private final RdsConnections connections;
  private final List<RdsTableMapping> mappings;
  /** By mapping position; {@code null} until checked, and again once invalidated. */
  private final VerifiedTable[] verified;

  public RdsSchema(RdsConnections connections, List<RdsTableMapping> mappings) {
    this.connections = connections;
    this.mappings = List.copyOf(mappings);
    if (this.mappings.isEmpty()) {
      throw new IllegalArgumentException("at least one table mapping is needed");
    }
    this.verified = new VerifiedTable[this.mappings.size()];
  }

  public List<RdsTableMapping> mappings() {
    return mappings;
  }

  /** Whether some mapping takes the change; needs no database. */
  public boolean accepts(ChangeRecord change) {
    return mappings.stream().anyMatch(mapping -> mapping.accepts(change));
  }

  /**
   * Checks every mapping against the live schema, once.
   *
   * @throws IllegalArgumentException naming the first table or column the schema lacks
   */
  public synchronized void verify() throws SQLException {
    tables();
  }

  /**
   * Every mapping, checked.
   *
   * @throws IllegalArgumentException naming the first table or column the schema lacks
   */
  synchronized List<VerifiedTable> tables() throws SQLException {
    SchemaAllowList allowList = null;
    for (int i = 0; i < verified.length; i++) {
      if (verified[i] == null) {
        // One read of the live schema serves every table still to check.
        allowList = allowList != null ? allowList : readAllowList();
        verified[i] = allowList.verify(mappings.get(i), connections.dialect());
      }
    }
    return List.of(verified);
  }

  /**
   * The mapping at {@code index} of {@link #mappings()}, checked: a table whose check fails does not hold back
   * the others.
   *
   * @throws IllegalArgumentException naming the table or the columns the schema lacks
   */
  synchronized VerifiedTable table(int index) throws SQLException {
    if (verified[index] == null) {
      verified[index] = readAllowList().verify(mappings.get(index), connections.dialect());
    }
    return verified[index];
  }

  /** One read of the live schema, on a borrowed connection that is closed instead of kept if the read failed. */
  private SchemaAllowList readAllowList() throws SQLException {
    try (RdsConnections.Lease lease = connections.borrow()) {
      try {
        // Reading a table's columns can wait for a lock on the table (MariaDB's metadata locks): bounded too.
        lease.limitTransaction();
        return SchemaAllowList.read(lease.connection(), connections.dialect());
      } catch (SQLException e) {
        lease.evict();
        throw e;
      }
    }
  }

  /**
   * Forgets the check of {@code table} (and the statement built from it) after the server refused it for a
   * reason of the deployment: the next use checks the live schema again. A newer check is kept.
   */
  synchronized void invalidate(VerifiedTable table) {
    for (int i = 0; i < verified.length; i++) {
      if (verified[i] == table) {
        verified[i] = null;
      }
    }
  }
}
