package io.cqrssuite.sync.rds;

import io.cqrssuite.event.ChangeRecord;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The configured table mappings, checked against the live schema on first use ({@link SchemaAllowList}) and
 * kept verified from then on. A check that fails is not kept, so a schema migrated after the first attempt is
 * picked up by the next one.
 */
public final class RdsSchema {
  private final RdsConnections connections;
  private final List<RdsTableMapping> mappings;
  private List<VerifiedTable> verified;

  public RdsSchema(RdsConnections connections, List<RdsTableMapping> mappings) {
    this.connections = connections;
    this.mappings = List.copyOf(mappings);
    if (this.mappings.isEmpty()) {
      throw new IllegalArgumentException("at least one table mapping is needed");
    }
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

  synchronized List<VerifiedTable> tables() throws SQLException {
    if (verified == null) {
      SchemaAllowList allowList = SchemaAllowList.read(connections.connection(), connections.dialect());
      List<VerifiedTable> tables = new ArrayList<>();
      for (RdsTableMapping mapping : mappings) {
        tables.add(allowList.verify(mapping, connections.dialect()));
      }
      verified = List.copyOf(tables);
    }
    return verified;
  }
}
