package io.cqrssuite.verification.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.catalog.product.ProductRdsMapping;
import io.cqrssuite.verification.workload.ProductCommand;
import io.cqrssuite.sync.rds.PostgresDialect;
import io.cqrssuite.sync.rds.RdsColumn;
import io.cqrssuite.sync.rds.RdsColumnType;
import io.cqrssuite.sync.rds.RdsTableMapping;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The row write of the bench's own paths: {@code PostgresDialect}'s version-guarded upsert for
 * {@link ProductRdsMapping} (the sync's own statement), with a command's values bound in the order the dialect
 * documents: identity, mapped columns, then {@code synced_at, is_deleted, version}.
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
    this.sql = new PostgresDialect().upsertSql(mapping);
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
