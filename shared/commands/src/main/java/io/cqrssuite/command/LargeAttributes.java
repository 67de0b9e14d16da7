package io.cqrssuite.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Turns an image into a command item that fits DynamoDB: attributes over the threshold, then the largest ones while
 * the item is still over 400 KB, go to S3 as JSON, and the item keeps a pointer. Objects are written before the item,
 * so a committed item never points at nothing.
 *
 * <p>The key is {@code commands/<table>/<pk>/<code>@<version>/<attribute>.<sha256>.json}: content-addressed, so two
 * publishers racing for one version never overwrite each other's object (the loser's stays unreferenced) and a retry
 * writes the same bytes to the same key. The put is conditional ({@code If-None-Match: *}) so an object, once
 * written, is never replaced. A value unchanged since the latest version reuses that version's pointer.
 *
 * <p>A value larger than the offload limit ({@code SUITE_COMMAND_OFFLOAD_MAX_BYTES}) is refused, and so is a key
 * with an empty, {@code .} or {@code ..} segment (a pathological pk or code): {@link CommandImages} follows nothing
 * else, and a pointer it would refuse must never be committed.
 */
final class LargeAttributes {
  /** Bookkeeping the stream side and the version guard read from the item itself: never offloaded. */
  static final Set<String> KEPT_IN_ITEM =
      Set.of("pk", "sk", "code", "id", "tenantCode", "version", "isDeleted", "createdAt", "updatedAt", "updatedBy", "ttl");

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private final Supplier<S3Client> s3;
  private final String bucket;
  private final int threshold;
  private final int maxBytes;
  private final ObjectMapper mapper;

  LargeAttributes(Supplier<S3Client> s3, String bucket, int threshold, int maxBytes, ObjectMapper mapper) {
    if (bucket != null && s3 == null) {
      throw new IllegalArgumentException("an S3 client is needed to offload large attributes to " + bucket);
    }
    this.s3 = s3;
    this.bucket = bucket;
    this.threshold = threshold;
    this.maxBytes = maxBytes;
    this.mapper = mapper;
  }

  /** The item to put for {@code image} (canonical, bookkeeping set); S3 objects it points at are written. */
  Map<String, AttributeValue> store(String table, String pk, String code, long version, ObjectNode image, ObjectNode latest) {
    Map<String, AttributeValue> item = ItemJson.toItem(image);
    Map<String, Offload> planned = new LinkedHashMap<>();
    String where = table + " " + pk + "#" + code + "@" + version;
    if (bucket != null) {
      for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
        if (offloadable(attribute.getKey(), image) && ItemJson.size(attribute.getKey(), attribute.getValue()) > threshold) {
          planned.put(attribute.getKey(), plan(table, pk, code, version, attribute.getKey(), image, latest, where));
        }
      }
      planned.forEach((name, offload) -> item.put(name, ItemJson.value(offload.pointer(), name)));
      long total = ItemJson.size(item);
      if (total > CommandSettings.MAX_ITEM_BYTES) {
        // Largest first, so the fewest objects bring the item under the limit.
        List<String> candidates = new ArrayList<>();
        item.keySet().stream().filter(name -> offloadable(name, image) && !planned.containsKey(name)).forEach(candidates::add);
        candidates.sort(Comparator.comparingLong((String name) -> ItemJson.size(name, item.get(name))).reversed());
        for (String name : candidates) {
          if (total <= CommandSettings.MAX_ITEM_BYTES) {
            break;
          }
          Offload offload = plan(table, pk, code, version, name, image, latest, where);
          AttributeValue pointer = ItemJson.value(offload.pointer(), name);
          long saved = ItemJson.size(name, item.get(name)) - ItemJson.size(name, pointer);
          if (saved <= 0) {
            break;
          }
          planned.put(name, offload);
          item.put(name, pointer);
          total -= saved;
        }
      }
    }
    long total = ItemJson.size(item);
    if (total > CommandSettings.MAX_ITEM_BYTES) {
      String largest = largest(item);
      throw new CommandTooLargeException(where, largest, ItemJson.size(largest, item.get(largest)), total, CommandSettings.MAX_ITEM_BYTES,
          bucket == null ? "no bucket is configured for large attributes (" + CommandSettings.BUCKET + ")"
              : "even with its large attributes in S3");
    }
    for (Offload offload : planned.values()) {
      if (!offload.reused()) {
        upload(offload, where);
      }
    }
    return item;
  }

  private static boolean offloadable(String name, ObjectNode image) {
    return !KEPT_IN_ITEM.contains(name) && !CommandImages.isPointer(image.get(name));
  }

  private static String largest(Map<String, AttributeValue> item) {
    String largest = null;
    long largestSize = -1;
    for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
      long size = ItemJson.size(attribute.getKey(), attribute.getValue());
      if (size > largestSize) {
        largest = attribute.getKey();
        largestSize = size;
      }
    }
    return largest;
  }

  private Offload plan(String table, String pk, String code, long version, String name, ObjectNode image, ObjectNode latest, String where) {
    byte[] content;
    try {
      content = mapper.writeValueAsBytes(image.get(name));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
    if (content.length > maxBytes) {
      throw CommandTooLargeException.attribute(where, name, content.length, maxBytes, CommandSettings.OFFLOAD_MAX_BYTES);
    }
    String sha256 = CommandImages.sha256(content);
    JsonNode previous = latest == null ? null : latest.get(name);
    if (CommandImages.isPointer(previous)) {
      JsonNode location = previous.get(CommandImages.POINTER);
      if (bucket.equals(location.path("bucket").asText()) && sha256.equals(location.path("sha256").asText())
          && location.path("bytes").asLong(-1) == content.length) {
        return new Offload(previous, content, true);
      }
    }
    String key = prefix(table, pk, code) + CommandKeys.padded(version) + "/" + name + "." + sha256 + ".json";
    if (!isKeyOf(key, table, pk, code, name, sha256)) {
      throw new InvalidCommandException(where + ": attribute '" + name + "' cannot go to S3 as '" + key
          + "': pk, code and attribute name must not make an empty, '.' or '..' key segment");
    }
    ObjectNode pointer = JsonNodeFactory.instance.objectNode();
    pointer.putObject(CommandImages.POINTER).put("bucket", bucket).put("key", key).put("sha256", sha256).put("bytes", content.length);
    return new Offload(pointer, content, false);
  }

  private void upload(Offload offload, String where) {
    String key = offload.pointer().get(CommandImages.POINTER).get("key").textValue();
    try {
      s3.get().putObject(r -> r.bucket(bucket).key(key).contentType("application/json").ifNoneMatch("*"), RequestBody.fromBytes(offload.content()));
    } catch (S3Exception e) {
      if (e.statusCode() != 412) {
        throw new CommandStoreException(where + ": s3://" + bucket + "/" + key + " could not be written", e);
      }
      // 412: the object exists. Its key names its SHA-256, so it holds these very bytes (an earlier attempt wrote it).
    } catch (SdkException e) {
      throw new CommandStoreException(where + ": s3://" + bucket + "/" + key + " could not be written", e);
    }
  }

  /** Every key of an entity's attributes starts so; {@code @} ends the code, which never holds one. */
  private static String prefix(String table, String pk, String code) {
    return "commands/" + table + "/" + pk + "/" + code + "@";
  }

  /**
   * Whether {@code key} is one this class writes for attribute {@code name} of entity {@code pk#code} with content
   * {@code sha256}, at any version, and no segment of it could be read as a path step ({@code .}, {@code ..}, empty).
   */
  static boolean isKeyOf(String key, String table, String pk, String code, String name, String sha256) {
    if (!SHA256.matcher(sha256).matches()) {
      return false;
    }
    String prefix = prefix(table, pk, code);
    String suffix = "/" + name + "." + sha256 + ".json";
    int versionDigits = CommandKeys.padded(0).length();
    if (key.length() != prefix.length() + versionDigits + suffix.length() || !key.startsWith(prefix) || !key.endsWith(suffix)) {
      return false;
    }
    for (int i = prefix.length(); i < prefix.length() + versionDigits; i++) {
      if (key.charAt(i) < '0' || key.charAt(i) > '9') {
        return false;
      }
    }
    for (String segment : key.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return true;
  }

  private record Offload(JsonNode pointer, byte[] content, boolean reused) {}

  static List<JsonNode> pointers(ObjectNode image) {
    List<JsonNode> found = new ArrayList<>();
    if (image != null) {
      image.forEach(value -> {
        if (CommandImages.isPointer(value)) {
          found.add(value);
        }
      });
    }
    return found;
  }
}
