package io.cqrssuite.entity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Table mappings from configuration: {@value #VARIABLE}, a JSON array with one object per table, for a function
 * deployed without code of its own about its tables (the catalog example's template declares its tables so). The
 * form, every field but {@code table} optional:
 *
 * <pre>{@code
 * [{"table": "orders", "key": "Id", "version": "timestamp:updatedAt"},
 *  {"table": "app", "entities": [
 *     {"type": "customer", "when": "SK=CUSTOMER#", "key": "PK,SK", "code": "after:CUSTOMER#", "version": "version"},
 *     {"type": "order", "when": "SK=ORDER#", "key": "PK,SK", "code": "after:ORDER#", "version": "version"}]},
 *  {"table": "dev-catalog-product-command", "type": "product", "key": "pk,sk", "code": "before-last:@",
 *   "version": "version", "deletedFlag": "isDeleted", "removes": "housekeeping"}]
 * }</pre>
 *
 * <ul>
 *   <li>{@code key}: one attribute ({@code Id}: the code; the partition is the type) or two ({@code pk,sk}: the
 *       partition and the attribute the code is taken from); any other form is refused;
 *   <li>{@code code}: {@code whole} (default), {@code after:<prefix>} or {@code before-last:<separator>};
 *   <li>{@code version}: an integer attribute ({@code version}, the default), or {@code timestamp:<attribute>} for
 *       epoch milliseconds (N) or ISO-8601 (S);
 *   <li>{@code type}: the entity type (default: the table's name); {@code when}: {@code <attribute>=<prefix>}, which
 *       items are of this type when a table holds several ({@code entities});
 *   <li>{@code removes}: {@code delete} (default) or {@code housekeeping}; {@code deletedFlag}: a boolean attribute
 *       that marks a delete.
 * </ul>
 *
 * Every mistake is refused at init with the entry's index and table named.
 */
public final class TableMappingConfig {
  public static final String VARIABLE = "SUITE_TABLE_MAPPINGS";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> TABLE_FIELDS =
      Set.of("table", "entities", "removes", "deletedFlag", "type", "when", "key", "code", "version");
  private static final Set<String> ENTITY_FIELDS = Set.of("type", "when", "key", "code", "version");

  private TableMappingConfig() {}

  /** The mappings of {@code value}; none for a blank or absent one. */
  public static List<TableMapping> parse(String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    JsonNode root;
    try {
      root = JSON.readTree(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(VARIABLE + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (!root.isArray()) {
      throw new IllegalArgumentException(VARIABLE + " must be a JSON array of table mappings, found " + root.getNodeType());
    }
    List<TableMapping> mappings = new ArrayList<>();
    for (int i = 0; i < root.size(); i++) {
      JsonNode entry = root.get(i);
      String where = VARIABLE + "[" + i + "]";
      try {
        mappings.add(table(entry, where));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + tableName(entry) + ": " + e.getMessage(), e);
      }
    }
    return mappings;
  }

  /**
   * The configuration value that declares {@code mappings}: what {@link #parse} reads back as equal mappings. For a
   * function whose mappings come from code, to hand them to a function configured by its environment.
   */
  public static String format(List<TableMapping> mappings) {
    ArrayNode root = JSON.createArrayNode();
    for (TableMapping mapping : mappings) {
      ObjectNode table = root.addObject();
      table.put("table", mapping.table());
      ArrayNode entities = table.putArray("entities");
      for (EntityMapping entity : mapping.entities()) {
        ObjectNode node = entities.addObject();
        node.put("type", entity.type());
        if (entity.when() != null) {
          node.put("when", entity.when().attribute() + "=" + entity.when().prefix());
        }
        node.put("key", String.join(",", entity.identity().attributes()));
        if (entity.identity() instanceof Identity.KeyPair pair) {
          node.put("code", pair.rule().toString());
        }
        node.put("version", entity.version().toString());
      }
      table.put("removes", mapping.removes().name().toLowerCase(Locale.ROOT));
      if (mapping.deletedFlag() != null) {
        table.put("deletedFlag", mapping.deletedFlag());
      }
    }
    return root.toString();
  }

  private static TableMapping table(JsonNode entry, String where) {
    if (!entry.isObject()) {
      throw new IllegalArgumentException("must be an object, found " + entry.getNodeType());
    }
    unknownFields(entry, TABLE_FIELDS);
    String table = text(entry, "table", null);
    List<EntityMapping> entities = new ArrayList<>();
    JsonNode listed = entry.get("entities");
    if (listed != null) {
      for (String field : ENTITY_FIELDS) {
        if (entry.has(field)) {
          throw new IllegalArgumentException("'" + field + "' belongs inside 'entities' when the table lists them");
        }
      }
      if (!listed.isArray() || listed.isEmpty()) {
        throw new IllegalArgumentException("'entities' must be a non-empty array");
      }
      for (int k = 0; k < listed.size(); k++) {
        JsonNode entity = listed.get(k);
        if (!entity.isObject()) {
          throw new IllegalArgumentException("entities[" + k + "] must be an object");
        }
        unknownFields(entity, ENTITY_FIELDS);
        entities.add(entity(entity, table));
      }
    } else {
      entities.add(entity(entry, table));
    }
    TableMapping.Removes removes =
        switch (text(entry, "removes", "delete").toLowerCase(Locale.ROOT)) {
          case "delete" -> TableMapping.Removes.DELETE;
          case "housekeeping" -> TableMapping.Removes.HOUSEKEEPING;
          default -> throw new IllegalArgumentException("'removes' must be delete or housekeeping");
        };
    return new TableMapping(table, entities, removes, text(entry, "deletedFlag", null));
  }

  private static EntityMapping entity(JsonNode node, String table) {
    String type = text(node, "type", table);
    String when = text(node, "when", null);
    KeyPrefix prefix = null;
    if (when != null) {
      int equals = when.indexOf('=');
      if (equals <= 0 || equals == when.length() - 1) {
        throw new IllegalArgumentException("'when' must be <attribute>=<prefix>, found '" + when + "'");
      }
      prefix = new KeyPrefix(when.substring(0, equals), when.substring(equals + 1));
    }
    return new EntityMapping(type, prefix, identity(node), version(text(node, "version", "version")));
  }

  private static Identity identity(JsonNode node) {
    String key = text(node, "key", null);
    if (key == null) {
      throw new IllegalArgumentException("'key' is missing: name the key attribute(s), e.g. \"pk,sk\" or \"Id\"");
    }
    String[] names = key.split(",", -1);
    for (int i = 0; i < names.length; i++) {
      names[i] = names[i].trim();
    }
    String code = text(node, "code", "whole");
    if (names.length == 1 && !names[0].isEmpty()) {
      if (!code.equals("whole")) {
        throw new IllegalArgumentException("a one-attribute key takes its code whole; 'code' must be whole");
      }
      return new Identity.SingleKey(names[0]);
    }
    if (names.length == 2 && !names[0].isEmpty() && !names[1].isEmpty()) {
      return new Identity.KeyPair(names[0], names[1], codeRule(code));
    }
    throw new IllegalArgumentException(
        "unknown key form '" + key + "': one attribute (\"Id\") or two, the partition and the code (\"pk,sk\")");
  }

  private static CodeRule codeRule(String code) {
    if (code.equals("whole")) {
      return new CodeRule.Whole();
    }
    if (code.startsWith("after:")) {
      return new CodeRule.AfterPrefix(code.substring("after:".length()));
    }
    if (code.startsWith("before-last:")) {
      return new CodeRule.BeforeLast(code.substring("before-last:".length()));
    }
    throw new IllegalArgumentException("'code' must be whole, after:<prefix> or before-last:<separator>, found '" + code + "'");
  }

  private static VersionSource version(String version) {
    if (version.startsWith("timestamp:")) {
      return new VersionSource.Timestamp(version.substring("timestamp:".length()));
    }
    if (version.contains(":")) {
      throw new IllegalArgumentException(
          "'version' must be an integer attribute's name or timestamp:<attribute>, found '" + version + "'");
    }
    return new VersionSource.IntegerAttribute(version);
  }

  private static void unknownFields(JsonNode node, Set<String> known) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw new IllegalArgumentException("unknown field '" + name + "'; known: " + String.join(", ", known.stream().sorted().toList()));
      }
    }
  }

  private static String text(JsonNode node, String field, String fallback) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      if (fallback == null && field.equals("table")) {
        throw new IllegalArgumentException("'table' is missing");
      }
      return fallback;
    }
    if (!value.isTextual()) {
      throw new IllegalArgumentException("'" + field + "' must be a string, found " + value.getNodeType());
    }
    return value.textValue().trim();
  }

  private static String tableName(JsonNode entry) {
    JsonNode table = entry.path("table");
    return table.isTextual() ? " (table '" + table.textValue() + "')" : "";
  }
}
