package io.cqrssuite.verification.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.verification.workload.ProductCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * The documents of the bench's own paths, byte for byte the shape the OpenSearch sync writes
 * ({@code DocumentProjection}, internal to {@code sync.opensearch}): a live document is the identity, the version,
 * {@code is_deleted: false} and the image's other fields; a tombstone only the identity, the version,
 * {@code is_deleted: true} and {@code deleted_at}. Also the {@code _bulk} action line the sync sends with each.
 */
final class ProductDocuments {
  private static final Set<String> RESERVED = Set.of("id", "pk", "code", "version", "is_deleted", "deleted_at");
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private ProductDocuments() {}

  /** What OpenSearch stores for the command: a tombstone for a delete, else the live document. */
  static byte[] of(ProductCommand command, Instant now) {
    return command.deleted() ? tombstone(command, now) : live(command);
  }

  static byte[] live(ProductCommand command) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      json.writeStartObject();
      identity(json, command);
      json.writeBooleanField("is_deleted", false);
      for (Map.Entry<String, JsonNode> field : command.image().properties()) {
        if (!RESERVED.contains(field.getKey())) {
          json.writeFieldName(field.getKey());
          MAPPER.writeTree(json, field.getValue());
        }
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] tombstone(ProductCommand command, Instant deletedAt) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(160);
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      json.writeStartObject();
      identity(json, command);
      json.writeBooleanField("is_deleted", true);
      json.writeStringField("deleted_at", deletedAt.toString());
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * {@code {"index":{"_id":...,"version":N,"version_type":"external"}}} and its newline; {@code external_gte} for a
   * tombstone, so that it wins over a live document of the same version.
   */
  static byte[] bulkActionLine(ProductCommand command) {
    String id = new String(JsonStringEncoder.getInstance().quoteAsString(command.id()));
    String line =
        "{\"index\":{\"_id\":\"" + id + "\",\"version\":" + command.version() + ",\"version_type\":\""
            + (command.deleted() ? "external_gte" : "external") + "\"}}\n";
    return line.getBytes(StandardCharsets.UTF_8);
  }

  private static void identity(JsonGenerator json, ProductCommand command) throws IOException {
    json.writeStringField("id", command.id());
    json.writeStringField("pk", command.image().path("pk").asText());
    json.writeStringField("code", command.code());
    json.writeNumberField("version", command.version());
  }
}
