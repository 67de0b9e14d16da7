package io.cqrssuite.sync.opensearch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.event.ChangeRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Turns a change into the JSON document the index stores, serialized once so that its exact size bounds the bulk
 * request and the same bytes go on the wire.
 *
 * <p>A live document is the full image plus the suite's fields ({@code id}, {@code pk}, {@code code},
 * {@code version}, {@code is_deleted: false}), which win over image attributes of the same name. A tombstone keeps
 * only the identity, the version and {@code deleted_at}: no searchable field of the last image, so that even a
 * query that bypasses the read alias's filter cannot match it.
 */
final class DocumentProjection {
  static final String VERSION = "version";
  static final String IS_DELETED = "is_deleted";
  static final String DELETED_AT = "deleted_at";
  private static final Set<String> RESERVED = Set.of("id", "pk", "code", VERSION, IS_DELETED, DELETED_AT);

  private final ObjectMapper mapper;
  private final JsonFactory factory;

  DocumentProjection(ObjectMapper mapper) {
    this.mapper = mapper;
    this.factory = mapper.getFactory();
  }

  byte[] live(ChangeRecord change) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator json = factory.createGenerator(out)) {
      json.writeStartObject();
      identity(json, change);
      json.writeBooleanField(IS_DELETED, false);
      if (change.image() != null) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = change.image().properties().iterator(); fields.hasNext(); ) {
          Map.Entry<String, JsonNode> field = fields.next();
          if (!RESERVED.contains(field.getKey())) {
            json.writeFieldName(field.getKey());
            mapper.writeTree(json, field.getValue());
          }
        }
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serialize document " + change.id(), e);
    }
    return out.toByteArray();
  }

  byte[] tombstone(ChangeRecord change, Instant deletedAt) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(160);
    try (JsonGenerator json = factory.createGenerator(out)) {
      json.writeStartObject();
      identity(json, change);
      json.writeBooleanField(IS_DELETED, true);
      json.writeStringField(DELETED_AT, deletedAt.toString());
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serialize tombstone " + change.id(), e);
    }
    return out.toByteArray();
  }

  private static void identity(JsonGenerator json, ChangeRecord change) throws IOException {
    json.writeStringField("id", change.id());
    json.writeStringField("pk", change.pk());
    json.writeStringField("code", change.code());
    json.writeNumberField(VERSION, change.version());
  }
}
