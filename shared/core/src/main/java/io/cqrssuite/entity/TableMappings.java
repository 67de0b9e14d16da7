package io.cqrssuite.entity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.event.DataChangeEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The table mappings of a function, one per table, and the resolution of a stream record by them: unmapped (for the
 * handlers alone), housekeeping, or an entity change {@code (table, type, partition, code)} at a version (contract
 * §1). Built at init from what the function's code declares and what {@code SUITE_TABLE_MAPPINGS} configures; two
 * mappings for one table fail there, naming it.
 */
public final class TableMappings {
  private static final TableMappings NONE = new TableMappings(List.of());
  private final Map<String, TableMapping> byTable;

  public TableMappings(Collection<TableMapping> mappings) {
    Map<String, TableMapping> byTable = new LinkedHashMap<>();
    for (TableMapping mapping : mappings) {
      if (byTable.putIfAbsent(mapping.table(), mapping) != null) {
        throw new IllegalArgumentException(
            "two mappings for table '" + mapping.table() + "': declare each table once, in code or in "
                + TableMappingConfig.VARIABLE + ", not both");
      }
    }
    this.byTable = Map.copyOf(byTable);
  }

  /** No table mapped: every stream record is for the handlers alone. */
  public static TableMappings none() {
    return NONE;
  }

  public Optional<TableMapping> forTable(String table) {
    return Optional.ofNullable(byTable.get(table));
  }

  public Collection<TableMapping> all() {
    return byTable.values();
  }

  /**
   * The record's meaning to the read models.
   *
   * @throws MappingException the table is mapped but the record lacks what its entity needs (an image, a key, a
   *     code of the declared shape, a version): permanent, naming the table and attribute
   */
  public Resolution resolve(DataChangeEvent event) {
    TableMapping mapping = byTable.get(event.tableName());
    if (mapping == null) {
      return new Resolution.Unmapped("no mapping for table '" + event.tableName() + "'");
    }
    boolean remove = event.operation() == DataChangeEvent.Operation.REMOVE;
    if (remove && event.removedByTtl()) {
      return new Resolution.Housekeeping("TTL expiry");
    }
    if (remove && mapping.removes() == TableMapping.Removes.HOUSEKEEPING) {
      return new Resolution.Housekeeping("REMOVE on table '" + mapping.table() + "', housekeeping by its mapping");
    }
    ObjectNode image = remove ? event.oldImage() : event.newImage();
    String imageName = remove ? "OldImage" : "NewImage";
    if (image == null) {
      throw new MappingException(
          mapping.table(),
          imageName,
          "is missing; the stream view type must include "
              + (remove ? "old images (NEW_AND_OLD_IMAGES or OLD_IMAGE)" : "new images (NEW_AND_OLD_IMAGES or NEW_IMAGE)"));
    }
    ItemAttributes item = new ItemAttributes(event.keys(), image);
    EntityMapping entity = mapping.entityOf(item);
    if (entity == null) {
      return new Resolution.Unmapped("an item of table '" + mapping.table() + "' of no mapped entity type");
    }
    String partition;
    String code;
    if (entity.identity() instanceof Identity.KeyPair pair) {
      partition = required(item, mapping, pair.partition());
      String codeValue = required(item, mapping, pair.code());
      code = pair.rule().codeOf(codeValue);
      if (code == null) {
        throw new MappingException(mapping.table(), pair.code(), "has no code under the rule " + pair.rule());
      }
    } else {
      Identity.SingleKey single = (Identity.SingleKey) entity.identity();
      partition = entity.type();
      code = required(item, mapping, single.attribute());
    }
    long version = version(item, mapping, entity.version());
    boolean deleted = remove || flagged(image, mapping.deletedFlag());
    return new Resolution.Entity(
        new ChangeRecord(
            mapping.table(), partition, code, ChangeRecord.idOf(partition, code), version, deleted, image, entity.type()));
  }

  private static String required(ItemAttributes item, TableMapping mapping, String attribute) {
    String value = item.text(attribute);
    if (value == null) {
      throw new MappingException(mapping.table(), attribute, "is missing or not a string, number or binary value");
    }
    return value;
  }

  private static boolean flagged(ObjectNode image, String flag) {
    if (flag == null) {
      return false;
    }
    JsonNode value = image.get(flag);
    return value != null && value.isBoolean() && value.booleanValue();
  }

  private static long version(ItemAttributes item, TableMapping mapping, VersionSource source) {
    JsonNode value = item.value(source.attribute());
    if (value == null || value.isNull()) {
      throw new MappingException(
          mapping.table(), source.attribute(), "is missing: every change of a mapped table needs its version");
    }
    if (source instanceof VersionSource.Timestamp) {
      return epochMillis(value, mapping, source.attribute());
    }
    if (!value.isNumber()) {
      throw new MappingException(mapping.table(), source.attribute(), "must be a number (N), found " + value.getNodeType());
    }
    if (!value.canConvertToExactIntegral() || !value.canConvertToLong() || value.longValue() < 0) {
      throw new MappingException(mapping.table(), source.attribute(), "must be a non-negative integer");
    }
    return value.longValue();
  }

  /** Epoch milliseconds from a number (N) or an ISO-8601 instant or offset date-time (S). */
  private static long epochMillis(JsonNode value, TableMapping mapping, String attribute) {
    if (value.isNumber()) {
      BigDecimal millis = value.decimalValue();
      if (millis.signum() < 0 || millis.stripTrailingZeros().scale() > 0 || !value.canConvertToLong()) {
        throw new MappingException(mapping.table(), attribute, "must be whole epoch milliseconds");
      }
      return millis.longValueExact();
    }
    if (value.isTextual()) {
      try {
        return Instant.parse(value.textValue()).toEpochMilli();
      } catch (DateTimeParseException e) {
        try {
          return OffsetDateTime.parse(value.textValue()).toInstant().toEpochMilli();
        } catch (DateTimeParseException again) {
          throw new MappingException(mapping.table(), attribute, "is not an ISO-8601 instant");
        }
      }
    }
    throw new MappingException(
        mapping.table(), attribute, "must be epoch milliseconds (N) or an ISO-8601 instant (S), found " + value.getNodeType());
  }
}
