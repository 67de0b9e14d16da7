package io.cqrssuite.verification.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One document of the search model as the sync must leave it for the log's last command of an entity, written out
 * from the sync's documented projection ({@code read-models.md}) by hand rather than computed by its code: a live
 * document is the whole image plus {@code id, pk, code, version, is_deleted: false}, which win over image
 * attributes of the same name; a tombstone is only {@code id, pk, code, version, is_deleted: true, deleted_at}.
 */
final class ProductDocument {
  private static final Set<String> IDENTITY = Set.of("id", "pk", "code", "version", "is_deleted", "deleted_at");

  private ProductDocument() {}

  /** The live document's {@code _source}. */
  static JsonNode live(ExpectedState.Entry entry) {
    ObjectNode document = entry.image().deepCopy();
    document.remove(IDENTITY);
    identity(document, entry);
    document.put("is_deleted", false);
    return ProductRow.normalised(document);
  }

  /** The fields of {@code source} that differ from the live document's, or the tombstone's problem. */
  static List<String> differences(ExpectedState.Entry entry, JsonNode source) {
    if (!entry.deleted()) {
      return fieldsDiffering(live(entry), source);
    }
    ObjectNode tombstone = entry.image().objectNode();
    identity(tombstone, entry);
    tombstone.put("is_deleted", true);
    if (source.has("deleted_at")) {
      tombstone.set("deleted_at", source.get("deleted_at"));
    }
    List<String> fields = fieldsDiffering(ProductRow.normalised(tombstone), source);
    if (!validInstant(source.path("deleted_at"))) {
      fields.add("deleted_at");
    }
    return fields;
  }

  private static void identity(ObjectNode document, ExpectedState.Entry entry) {
    document.put("id", entry.id());
    document.set("pk", entry.image().get("pk"));
    document.set("code", entry.image().get("code"));
    document.put("version", entry.version());
  }

  private static List<String> fieldsDiffering(JsonNode expected, JsonNode source) {
    Set<String> names = new TreeSet<>();
    expected.fieldNames().forEachRemaining(names::add);
    source.fieldNames().forEachRemaining(names::add);
    List<String> fields = new ArrayList<>();
    for (String name : names) {
      if (!expected.path(name).equals(source.path(name))) {
        fields.add(name);
      }
    }
    return fields;
  }

  private static boolean validInstant(JsonNode value) {
    try {
      Instant.parse(value.asText());
      return value.isTextual();
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}
