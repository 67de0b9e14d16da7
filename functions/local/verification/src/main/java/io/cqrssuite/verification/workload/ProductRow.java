package io.cqrssuite.verification.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One row of the relational {@code product} table, every column but {@code synced_at} (the sync's clock, which
 * the log cannot know). {@link #expected} is written out from the catalog's mapping ({@code ProductRdsMapping},
 * {@code V1__product.sql}) by hand rather than computed by the sync's code, so that the check stays an oracle;
 * {@link #COLUMNS} lets the check notice a column added to the table that it does not compare yet.
 */
record ProductRow(
    String id,
    String pk,
    String code,
    String tenantCode,
    String name,
    String description,
    Long price,
    String category,
    JsonNode tags,
    Boolean active,
    Instant createdAt,
    Instant updatedAt,
    JsonNode attributes,
    long version,
    boolean deleted) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The columns compared, in the order of {@link #SELECT}, and {@code synced_at}, which is not. */
  static final List<String> COLUMNS =
      List.of("id", "pk", "code", "tenant_code", "name", "description", "price", "category", "tags", "is_active", "created_at", "updated_at",
          "attributes", "version", "is_deleted");

  static final Set<String> UNCOMPARED = Set.of("synced_at");

  static final String SELECT = "SELECT " + String.join(", ", COLUMNS) + " FROM product";

  /** Image attributes with a column of their own (or a fixed one): the rest is what {@code attributes} holds. */
  private static final Set<String> MAPPED =
      Set.of("pk", "sk", "id", "code", "version", "isDeleted", "tenantCode", "name", "description", "price", "category", "tags", "isActive",
          "createdAt", "updatedAt");

  /**
   * The row the sync must leave for the log's last command of an entity: live, or a tombstone keeping the delete's
   * image, both at the command's version. A missing attribute is SQL {@code NULL}.
   */
  static ProductRow expected(ExpectedState.Entry entry) {
    ObjectNode image = entry.image();
    ObjectNode remaining = JSON.createObjectNode();
    image.properties().forEach(field -> {
      if (!MAPPED.contains(field.getKey())) {
        remaining.set(field.getKey(), field.getValue());
      }
    });
    return new ProductRow(entry.id(), text(image, "pk"), text(image, "code"), text(image, "tenantCode"), text(image, "name"),
        text(image, "description"), image.hasNonNull("price") ? image.get("price").asLong() : null, text(image, "category"),
        normalised(image.get("tags")), image.hasNonNull("isActive") ? image.get("isActive").asBoolean() : null, instant(image, "createdAt"),
        instant(image, "updatedAt"), normalised(remaining), entry.version(), entry.deleted());
  }

  /** The row under the cursor of {@link #SELECT}. */
  static ProductRow read(ResultSet row) throws SQLException {
    long price = row.getLong(7);
    Long storedPrice = row.wasNull() ? null : price;
    boolean active = row.getBoolean(10);
    Boolean storedActive = row.wasNull() ? null : active;
    return new ProductRow(row.getString(1), row.getString(2), row.getString(3), row.getString(4), row.getString(5), row.getString(6),
        storedPrice, row.getString(8), json(row.getString(9)), storedActive, instant(row.getTimestamp(11)), instant(row.getTimestamp(12)),
        json(row.getString(13)), row.getLong(14), row.getBoolean(15));
  }

  /** The columns whose values differ from {@code stored}'s (identity, version and deletion are compared apart). */
  List<String> differences(ProductRow stored) {
    List<String> columns = new ArrayList<>();
    differ(columns, "pk", pk, stored.pk);
    differ(columns, "code", code, stored.code);
    differ(columns, "tenant_code", tenantCode, stored.tenantCode);
    differ(columns, "name", name, stored.name);
    differ(columns, "description", description, stored.description);
    differ(columns, "price", price, stored.price);
    differ(columns, "category", category, stored.category);
    differ(columns, "tags", tags, stored.tags);
    differ(columns, "is_active", active, stored.active);
    differ(columns, "created_at", createdAt, stored.createdAt);
    differ(columns, "updated_at", updatedAt, stored.updatedAt);
    differ(columns, "attributes", attributes, stored.attributes);
    return columns;
  }

  private static void differ(List<String> columns, String column, Object expected, Object stored) {
    if (!Objects.equals(expected, stored)) {
      columns.add(column);
    }
  }

  private static String text(ObjectNode image, String attribute) {
    JsonNode value = image.get(attribute);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static Instant instant(ObjectNode image, String attribute) {
    String value = text(image, attribute);
    return value == null ? null : Instant.parse(value);
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }

  /** Through text and back, so that a number compares by value whatever node type built it. */
  static JsonNode normalised(JsonNode value) {
    if (value == null || value.isNull()) {
      return null;
    }
    try {
      return JSON.readTree(JSON.writeValueAsString(value));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode json(String stored) {
    if (stored == null) {
      return null;
    }
    try {
      return JSON.readTree(stored);
    } catch (IOException e) {
      throw new IllegalStateException("the read model holds JSON that does not parse: " + stored, e);
    }
  }
}
