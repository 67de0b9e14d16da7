package io.cqrssuite.sync.rds;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.reconcile.ContentHash;
import io.cqrssuite.reconcile.ReconcileTarget;
import io.cqrssuite.reconcile.StoredEntity;
import io.cqrssuite.sync.SyncOutcome;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * One mapped table of the relational read model, as reconcile sees it. The content hash covers the columns the sync
 * writes from the image ({@code pk}, {@code code} and the mapping's columns), reduced to values the same way on both
 * sides: what {@link RowValues} would bind for a change, and what the table hands back (timestamps to the
 * millisecond, both engines' smallest common precision; JSON as a tree, whose key order {@code jsonb} does not keep).
 *
 * <p>Every write is guarded like the live sync: {@link #sync} is the sync itself; {@link #rewrite} and {@link #hide}
 * change a row only while it still holds the version reconcile read.
 */
public final class RdsReconcileTarget implements ReconcileTarget {
  private static final Set<String> NOT_CONTENT = Set.of("id", "synced_at", "is_deleted", "version");
  private static final int READ_CHUNK = 500;
  private static final int FETCH_SIZE = 1000;
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  private final RdsConnections connections;
  private final RdsSchema schema;
  private final int index;
  private final RdsSyncHandler sync;
  private final Clock clock;
  private final Set<String> ignored;

  private RdsReconcileTarget(
      RdsConnections connections, RdsSchema schema, int index, RdsSyncHandler sync, Clock clock, Set<String> ignored) {
    this.connections = connections;
    this.schema = schema;
    this.index = index;
    this.sync = sync;
    this.clock = clock;
    this.ignored = Set.copyOf(ignored);
  }

  /** One target per mapped table of {@code schema}, writing through {@code sync}. */
  public static List<RdsReconcileTarget> of(RdsConnections connections, RdsSchema schema, RdsSyncHandler sync, Clock clock) {
    return of(connections, schema, sync, clock, Set.of());
  }

  /**
   * The same, leaving {@code ignoredAttributes} out of the content compared: image attributes that differ between
   * the table the read model is fed from and the one it is reconciled with (the command table's versioned sort key
   * and TTL against the data table's plain ones), kept in the remaining-attributes column.
   */
  public static List<RdsReconcileTarget> of(
      RdsConnections connections, RdsSchema schema, RdsSyncHandler sync, Clock clock, Set<String> ignoredAttributes) {
    List<RdsReconcileTarget> targets = new ArrayList<>();
    for (int i = 0; i < schema.mappings().size(); i++) {
      targets.add(new RdsReconcileTarget(connections, schema, i, sync, clock, ignoredAttributes));
    }
    return targets;
  }

  private RdsTableMapping mapping() {
    return schema.mappings().get(index);
  }

  @Override
  public String name() {
    return sync.name() + "[" + mapping().table() + "]";
  }

  @Override
  public boolean accepts(ChangeRecord change) {
    return mapping().accepts(change);
  }

  @Override
  public ObjectNode expectedContent(ChangeRecord change) {
    VerifiedTable table;
    Object[] values;
    try {
      table = schema.table(index);
      values = RowValues.of(withoutIgnored(change), table, Instant.EPOCH);
    } catch (ColumnValueException e) {
      // The sync refuses this image, so no row can hold it: any stored content differs.
      return NODES.objectNode().put("refusedBySync", e.getClass().getSimpleName());
    } catch (SQLException e) {
      throw new IllegalStateException("the schema of " + mapping().table() + " could not be read: " + e.getMessage(), e);
    }
    ObjectNode content = NODES.objectNode();
    List<RowLayout.Slot> slots = table.layout().slots();
    for (int i = 0; i < slots.size(); i++) {
      RowLayout.Slot slot = slots.get(i);
      if (!NOT_CONTENT.contains(slot.column())) {
        content.set(slot.column(), expected(slot.type(), values[i], connections.dialect()));
      }
    }
    return content;
  }

  private ChangeRecord withoutIgnored(ChangeRecord change) {
    if (ignored.isEmpty() || change.image() == null) {
      return change;
    }
    ObjectNode image = change.image().deepCopy();
    image.remove(ignored);
    return new ChangeRecord(
        change.table(), change.pk(), change.code(), change.id(), change.version(), change.deleted(), image, change.type());
  }

  private static JsonNode expected(RdsColumnType type, Object value, SqlDialect dialect) {
    if (value == null) {
      return NODES.nullNode();
    }
    return switch (type) {
      case TEXT -> NODES.textNode((String) value);
      case JSON -> parse((String) value);
      case BIGINT -> NODES.numberNode((Long) value);
      case NUMERIC -> NODES.numberNode((BigDecimal) value);
      case BOOLEAN -> NODES.booleanNode((Boolean) value);
      case TIMESTAMP -> NODES.textNode(dialect.asStored((Instant) value).truncatedTo(ChronoUnit.MILLIS).toString());
    };
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      return NODES.textNode(json);
    }
  }

  @Override
  public Map<String, StoredEntity> read(Collection<String> ids) throws SQLException {
    Map<String, StoredEntity> found = new HashMap<>();
    VerifiedTable table = schema.table(index);
    rows(table, "", ids, rows -> {
      StoredEntity entity = stored(table, rows);
      found.put(entity.id(), entity);
    });
    return found;
  }

  @Override
  public Map<String, ObjectNode> storedContent(Collection<String> ids) throws SQLException {
    Map<String, ObjectNode> found = new HashMap<>();
    VerifiedTable table = schema.table(index);
    rows(table, "NOT is_deleted AND ", ids, rows -> found.put(rows.getString("id"), content(table, rows)));
    return found;
  }

  private interface RowSink {
    void accept(ResultSet rows) throws SQLException;
  }

  /** The rows of {@code ids} (and {@code condition}), in chunks of {@value #READ_CHUNK}, in one bounded transaction. */
  private void rows(VerifiedTable table, String condition, Collection<String> ids, RowSink sink) throws SQLException {
    List<String> all = new ArrayList<>(ids);
    try (RdsConnections.Lease lease = connections.borrow()) {
      try {
        lease.limitTransaction();
        for (int start = 0; start < all.size(); start += READ_CHUNK) {
          List<String> chunk = all.subList(start, Math.min(all.size(), start + READ_CHUNK));
          String sql =
              select(table) + " WHERE " + condition + "id IN (" + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")";
          try (PreparedStatement statement = lease.connection().prepareStatement(sql)) {
            for (int i = 0; i < chunk.size(); i++) {
              statement.setString(i + 1, chunk.get(i));
            }
            try (ResultSet rows = statement.executeQuery()) {
              while (rows.next()) {
                sink.accept(rows);
              }
            }
          }
        }
        lease.connection().commit();
      } catch (SQLException e) {
        lease.evict();
        throw e;
      }
    }
  }

  @Override
  public void scan(Consumer<StoredEntity> sink) throws SQLException {
    VerifiedTable table = schema.table(index);
    try (RdsConnections.Lease lease = connections.borrow()) {
      Connection connection = lease.connection();
      try {
        lease.limitTransaction();
        // Autocommit is off, so PostgreSQL streams through a cursor of this fetch size instead of loading the table.
        try (PreparedStatement statement = connection.prepareStatement(select(table))) {
          statement.setFetchSize(FETCH_SIZE);
          try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
              sink.accept(stored(table, rows));
            }
          }
        }
        connection.commit();
      } catch (SQLException e) {
        lease.evict();
        throw e;
      }
    }
  }

  @Override
  public Counts counts() throws SQLException {
    VerifiedTable table = schema.table(index);
    long live = 0;
    long tombstones = 0;
    try (RdsConnections.Lease lease = connections.borrow()) {
      try {
        lease.limitTransaction();
        String sql = "SELECT is_deleted, COUNT(*) FROM " + table.name() + " GROUP BY is_deleted";
        try (PreparedStatement statement = lease.connection().prepareStatement(sql);
            ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            if (rows.getBoolean(1)) {
              tombstones = rows.getLong(2);
            } else {
              live = rows.getLong(2);
            }
          }
        }
        lease.connection().commit();
      } catch (SQLException e) {
        lease.evict();
        throw e;
      }
    }
    return new Counts(live, tombstones);
  }

  @Override
  public List<SyncOutcome> sync(List<ChangeRecord> changes) {
    return sync.sync(changes);
  }

  @Override
  public boolean rewrite(ChangeRecord change, long storedVersion) throws SQLException {
    VerifiedTable table = schema.table(index);
    Object[] values = RowValues.of(change, table, clock.instant());
    List<RowLayout.Slot> slots = table.layout().slots();
    List<Integer> assigned = new ArrayList<>();
    List<String> assignments = new ArrayList<>();
    for (int i = 0; i < slots.size(); i++) {
      String column = slots.get(i).column();
      if (!column.equals("id") && !column.equals("version")) {
        assigned.add(i);
        boolean json = slots.get(i).type() == RdsColumnType.JSON && connections.dialect() instanceof PostgresDialect;
        assignments.add(column + " = " + (json ? "CAST(? AS jsonb)" : "?"));
      }
    }
    String sql = "UPDATE " + table.name() + " SET " + String.join(", ", assignments) + " WHERE id = ? AND version = ?";
    return update(sql, statement -> {
      int parameter = 1;
      for (int i : assigned) {
        bind(statement, parameter++, slots.get(i).type(), values[i]);
      }
      statement.setString(parameter++, change.id());
      statement.setLong(parameter, storedVersion);
    });
  }

  @Override
  public boolean hide(StoredEntity orphan) throws SQLException {
    VerifiedTable table = schema.table(index);
    String sql =
        "UPDATE " + table.name() + " SET is_deleted = TRUE, synced_at = ? WHERE id = ? AND version = ? AND is_deleted = FALSE";
    Instant now = clock.instant();
    return update(sql, statement -> {
      connections.dialect().bind(statement, 1, RdsColumnType.TIMESTAMP, now);
      statement.setString(2, orphan.id());
      statement.setLong(3, orphan.version());
    });
  }

  private interface Binder {
    void bind(PreparedStatement statement) throws SQLException;
  }

  private boolean update(String sql, Binder binder) throws SQLException {
    try (RdsConnections.Lease lease = connections.borrow()) {
      try {
        lease.limitTransaction();
        int updated;
        try (PreparedStatement statement = lease.connection().prepareStatement(sql)) {
          binder.bind(statement);
          updated = statement.executeUpdate();
        }
        lease.connection().commit();
        return updated > 0;
      } catch (SQLException e) {
        lease.evict();
        throw e;
      }
    }
  }

  private void bind(PreparedStatement statement, int parameter, RdsColumnType type, Object value) throws SQLException {
    if (value == null) {
      statement.setNull(parameter, GuardedBatchWriter.nullType(type));
    } else {
      connections.dialect().bind(statement, parameter, type, value);
    }
  }

  /** The column that collects the attributes no other column maps, or {@code null}. */
  private static String remainingColumn(VerifiedTable table) {
    return table.mapping().columns().stream().filter(RdsColumn::collectsRemaining).map(RdsColumn::column).findFirst().orElse(null);
  }

  private static String select(VerifiedTable table) {
    String columns = table.layout().slots().stream().map(RowLayout.Slot::column).collect(Collectors.joining(", "));
    return "SELECT " + columns + " FROM " + table.name();
  }

  private StoredEntity stored(VerifiedTable table, ResultSet rows) throws SQLException {
    String id = rows.getString("id");
    long version = rows.getLong("version");
    boolean deleted = rows.getBoolean("is_deleted");
    if (deleted) {
      return new StoredEntity(id, version, true, null);
    }
    return new StoredEntity(id, version, false, ContentHash.of(content(table, rows)));
  }

  private ObjectNode content(VerifiedTable table, ResultSet rows) throws SQLException {
    ObjectNode content = NODES.objectNode();
    String remaining = remainingColumn(table);
    for (RowLayout.Slot slot : table.layout().slots()) {
      if (!NOT_CONTENT.contains(slot.column())) {
        JsonNode value = read(rows, slot);
        if (slot.column().equals(remaining) && value instanceof ObjectNode attributes && !ignored.isEmpty()) {
          attributes.remove(ignored);
        }
        content.set(slot.column(), value);
      }
    }
    return content;
  }

  private JsonNode read(ResultSet rows, RowLayout.Slot slot) throws SQLException {
    String column = slot.column();
    switch (slot.type()) {
      case TEXT -> {
        String value = rows.getString(column);
        return value == null ? NODES.nullNode() : NODES.textNode(value);
      }
      case JSON -> {
        String value = rows.getString(column);
        return value == null ? NODES.nullNode() : parse(value);
      }
      case BIGINT -> {
        long value = rows.getLong(column);
        return rows.wasNull() ? NODES.nullNode() : NODES.numberNode(value);
      }
      case NUMERIC -> {
        BigDecimal value = rows.getBigDecimal(column);
        return value == null ? NODES.nullNode() : NODES.numberNode(value);
      }
      case BOOLEAN -> {
        boolean value = rows.getBoolean(column);
        return rows.wasNull() ? NODES.nullNode() : NODES.booleanNode(value);
      }
      case TIMESTAMP -> {
        Instant value = connections.dialect().readTimestamp(rows, column);
        return value == null ? NODES.nullNode() : NODES.textNode(value.truncatedTo(ChronoUnit.MILLIS).toString());
      }
      default -> throw new IllegalStateException("unknown column type " + slot.type());
    }
  }
}
