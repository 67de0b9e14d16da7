package io.cqrssuite.local.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.example.catalog.ProductRdsMapping;
import io.cqrssuite.local.workload.ProductCommand;
import io.cqrssuite.sync.rds.RdsColumn;
import io.cqrssuite.sync.rds.RdsColumnType;
import io.cqrssuite.sync.rds.RdsTableMapping;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The row write of the bench's own paths: {@code PostgresDialect}'s version-guarded upsert for
 * {@link ProductRdsMapping}, with a command's values bound the way the RDS sync binds them. The dialect builds its
 * statement from a layout type internal to {@code sync.rds}, so the same text is rebuilt here from the public
 * mapping (same column order: identity, mapped columns, then {@code synced_at, is_deleted, version}; same guard);
 * if the dialect's statement changes, this must follow, or the naive and raw paths measure a different write.
 */
final class GuardedUpsert {
  /** Image attributes the fixed columns carry, left out of the remaining-attributes column (as the RDS sync does). */
  private static final Set<String> IDENTITY_ATTRIBUTES = Set.of("pk", "sk", "id", "code", "version", "isDeleted");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RdsTableMapping mapping;
  private final Set<String> mappedAttributes;
  private final String sql;

  private GuardedUpsert(RdsTableMapping mapping) {
    this.mapping = mapping;
    Set<String> mapped = new HashSet<>(IDENTITY_ATTRIBUTES);
    mapping.columns().stream().filter(c -> !remaining(c)).forEach(c -> mapped.add(c.attribute()));
    this.mappedAttributes = Set.copyOf(mapped);
    this.sql = sqlOf(mapping);
  }

  static GuardedUpsert product() {
    return new GuardedUpsert(ProductRdsMapping.product());
  }

  String table() {
    return mapping.table();
  }

  String sql() {
    return sql;
  }

  /** Binds one command (a delete as a tombstone row carrying its last image) to the statement's parameters. */
  void bind(PreparedStatement statement, ProductCommand command, Instant syncedAt) throws SQLException {
    ObjectNode image = command.image();
    int index = 1;
    statement.setString(index++, command.id());
    statement.setString(index++, image.path("pk").asText());
    statement.setString(index++, command.code());
    for (RdsColumn column : mapping.columns()) {
      JsonNode value = remaining(column) ? remainingAttributes(image) : image.get(column.attribute());
      bindValue(statement, index++, column.type(), value);
    }
    statement.setObject(index++, syncedAt.atOffset(ZoneOffset.UTC));
    statement.setBoolean(index++, command.deleted());
    statement.setLong(index, command.version());
  }

  private static void bindValue(PreparedStatement statement, int index, RdsColumnType type, JsonNode value)
      throws SQLException {
    if (value == null || value.isNull() || value.isMissingNode()) {
      statement.setNull(index, sqlType(type));
      return;
    }
    switch (type) {
      case TEXT -> statement.setString(index, value.isTextual() ? value.textValue() : value.asText());
      case JSON -> statement.setString(index, write(value));
      case BIGINT -> statement.setLong(index, value.longValue());
      case NUMERIC -> statement.setBigDecimal(index, value.decimalValue());
      case BOOLEAN -> statement.setBoolean(index, value.booleanValue());
      case TIMESTAMP -> statement.setObject(index, OffsetDateTime.parse(value.textValue()).toInstant().atOffset(ZoneOffset.UTC));
    }
  }

  private ObjectNode remainingAttributes(ObjectNode image) {
    ObjectNode rest = JSON.createObjectNode();
    for (Map.Entry<String, JsonNode> field : image.properties()) {
      if (!mappedAttributes.contains(field.getKey())) {
        rest.set(field.getKey(), field.getValue());
      }
    }
    return rest;
  }

  private static String sqlOf(RdsTableMapping mapping) {
    List<String> columns = new ArrayList<>(List.of("id", "pk", "code"));
    List<String> values = new ArrayList<>(List.of("?", "?", "?"));
    for (RdsColumn column : mapping.columns()) {
      columns.add(column.column());
      values.add(column.type() == RdsColumnType.JSON ? "CAST(? AS jsonb)" : "?");
    }
    columns.addAll(List.of("synced_at", "is_deleted", "version"));
    values.addAll(List.of("?", "?", "?"));
    String assignments =
        columns.stream().filter(c -> !c.equals("id")).map(c -> c + " = EXCLUDED." + c).collect(Collectors.joining(", "));
    return "INSERT INTO " + mapping.table() + " AS stored (" + String.join(", ", columns) + ") VALUES ("
        + String.join(", ", values) + ")"
        + " ON CONFLICT (id) DO UPDATE SET " + assignments
        + " WHERE stored.version < EXCLUDED.version"
        + " OR (stored.version = EXCLUDED.version AND EXCLUDED.is_deleted AND NOT stored.is_deleted)";
  }

  private static boolean remaining(RdsColumn column) {
    return RdsColumn.REMAINING_ATTRIBUTES.equals(column.attribute());
  }

  private static int sqlType(RdsColumnType type) {
    return switch (type) {
      case TEXT, JSON -> Types.VARCHAR;
      case BIGINT -> Types.BIGINT;
      case NUMERIC -> Types.NUMERIC;
      case BOOLEAN -> Types.BOOLEAN;
      case TIMESTAMP -> Types.TIMESTAMP;
    };
  }

  private static String write(JsonNode value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
