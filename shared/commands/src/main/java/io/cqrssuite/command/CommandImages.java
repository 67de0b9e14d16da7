package io.cqrssuite.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.failure.PermanentException;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Turns a command image as stored (or as the command stream delivers it, converted to plain JSON) back into the full
 * image: every top-level attribute held in S3 is a pointer {@code {"$s3": {"bucket", "key", "sha256", "bytes"}}}, and
 * {@link #resolve} replaces it with the JSON value the object holds. The objects are immutable, so a pointer read at
 * any time gives the value of its version.
 *
 * <p>A pointer is data anyone who can write the tables (or edit a dead letter before its replay) can shape, so it is
 * followed only where the writer puts objects: the command bucket, under the key {@link LargeAttributes} gives that
 * attribute of that entity ({@code commands/<table>/<pk>/<code>@<version>/<attribute>.<sha256>.json}), and only to
 * an object a HEAD shows to be of the pointer's size and within {@link CommandSettings#offloadMaxBytes}; the body is
 * then read no further than that size and checked against the SHA-256. Anything else is a
 * {@link PermanentException} naming the attribute and the reason, with no byte of the object read: never an
 * arbitrary object, never a value too large for the heap.
 */
public final class CommandImages {
  static final String POINTER = "$s3";

  private final Supplier<S3Client> s3;
  private final String bucket;
  private final String table;
  private final long maxBytes;
  private final ObjectMapper mapper;

  /** {@code s3} may be {@code null} where {@code settings} name no bucket; every pointer is then refused. */
  public CommandImages(S3Client s3, CommandSettings settings, ObjectMapper mapper) {
    this(s3 == null ? null : () -> s3, settings, mapper);
  }

  /**
   * With a client asked for only when a pointer is read (and built then, if the supplier builds it), so a stream
   * function whose images hold no pointers never pays for an S3 client.
   */
  public CommandImages(Supplier<S3Client> s3, CommandSettings settings, ObjectMapper mapper) {
    this.s3 = s3;
    this.bucket = settings.bucket();
    this.table = settings.tables().command();
    this.maxBytes = settings.offloadMaxBytes();
    this.mapper = mapper;
  }

  /** Whether any top-level attribute of {@code image} is a pointer, that is whether {@link #resolve} would read S3. */
  public static boolean hasPointers(ObjectNode image) {
    for (JsonNode value : image) {
      if (isPointer(value)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A copy of {@code image} with every pointer replaced by its value; an image without pointers comes back as a copy.
   * The image's own {@code pk} and {@code code} say which keys its pointers may name.
   *
   * @throws PermanentException a pointer is malformed or names what this reader does not follow, or its object is
   *     missing, too large or not what the pointer says
   * @throws CommandStoreException S3 could not be reached (transient)
   */
  public ObjectNode resolve(ObjectNode image) {
    ObjectNode full = image.deepCopy();
    for (Iterator<Map.Entry<String, JsonNode>> it = image.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> attribute = it.next();
      if (isPointer(attribute.getValue())) {
        full.set(attribute.getKey(), fetch(image.path("pk").asText(null), image.path("code").asText(null), attribute.getKey(), attribute.getValue()));
      }
    }
    return full;
  }

  /** Whether {@code value} is an S3 pointer: an object whose only member is {@code $s3}. */
  public static boolean isPointer(JsonNode value) {
    return value != null && value.isObject() && value.size() == 1 && value.has(POINTER);
  }

  /** The value {@code pointer} stands for, as attribute {@code attribute} of entity {@code pk#code}. */
  JsonNode fetch(String pk, String code, String attribute, JsonNode pointer) {
    String where = pk + "#" + code + " attribute '" + attribute + "'";
    JsonNode location = pointer.get(POINTER);
    String named = location.path("bucket").isTextual() ? location.get("bucket").textValue() : null;
    String key = location.path("key").isTextual() ? location.get("key").textValue() : null;
    String sha256 = location.path("sha256").isTextual() ? location.get("sha256").textValue() : null;
    JsonNode bytes = location.get("bytes");
    if (named == null || key == null || sha256 == null || bytes == null || !bytes.canConvertToLong() || bytes.longValue() < 0) {
      throw new PermanentException(where + ": an S3 pointer needs bucket, key, sha256 and bytes, found " + location);
    }
    long expected = bytes.longValue();
    String object = "s3://" + named + "/" + key;
    if (bucket == null) {
      throw new PermanentException(where + ": " + object + " is not followed: no command bucket is configured (" + CommandSettings.BUCKET + ")");
    }
    if (!bucket.equals(named)) {
      throw new PermanentException(where + ": " + object + " is not followed: bucket '" + named + "' is not the command bucket '" + bucket + "'");
    }
    if (pk == null || code == null || !LargeAttributes.isKeyOf(key, table, pk, code, attribute, sha256)) {
      throw new PermanentException(where + ": " + object + " is not followed: '" + key + "' is not a key the command side writes for "
          + pk + "#" + code + " (commands/" + table + "/<pk>/<code>@<version>/<attribute>.<sha256>.json)");
    }
    if (expected > maxBytes) {
      throw new PermanentException(where + ": " + object + " is not read: its pointer says " + expected + " bytes, over the limit of "
          + maxBytes + " (" + CommandSettings.OFFLOAD_MAX_BYTES + ")");
    }
    if (s3 == null) {
      throw new PermanentException(where + ": " + object + " cannot be read: no S3 client was given to CommandImages");
    }
    S3Client client = s3.get();
    long size;
    try {
      size = client.headObject(r -> r.bucket(named).key(key)).contentLength();
    } catch (NoSuchKeyException | NoSuchBucketException e) {
      throw missing(where, object, e);
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        // A HEAD has no body, so a missing object may come without S3's error code.
        throw missing(where, object, e);
      }
      throw new CommandStoreException(where + ": " + object + " could not be read", e);
    } catch (SdkException e) {
      throw new CommandStoreException(where + ": " + object + " could not be read", e);
    }
    if (size > maxBytes) {
      throw new PermanentException(where + ": " + object + " holds " + size + " bytes, over the limit of " + maxBytes
          + " (" + CommandSettings.OFFLOAD_MAX_BYTES + "); it is not read");
    }
    if (size != expected) {
      throw new PermanentException(where + ": " + object + " holds " + size + " bytes, its pointer says " + expected + "; it is not read");
    }
    byte[] content;
    try (ResponseInputStream<GetObjectResponse> body = client.getObject(r -> r.bucket(named).key(key))) {
      // Read no further than the size the HEAD allowed: an object replaced since cannot make this hold more.
      content = body.readNBytes((int) size + 1);
    } catch (NoSuchKeyException | NoSuchBucketException e) {
      throw missing(where, object, e);
    } catch (SdkException | IOException e) {
      throw new CommandStoreException(where + ": " + object + " could not be read", e);
    }
    String actual = sha256(content);
    if (content.length != expected || !actual.equals(sha256)) {
      throw new PermanentException(where + ": " + object + " does not match its pointer: " + (content.length > size ? "more than " + size : content.length)
          + " bytes with SHA-256 " + actual + ", expected " + expected + " bytes with " + sha256);
    }
    try {
      return mapper.readTree(content);
    } catch (IOException e) {
      throw new PermanentException(where + ": " + object + " does not hold JSON", e);
    }
  }

  /**
   * The objects are written before their command and never replaced: a missing one was deleted by hand or by a
   * lifecycle rule, and no retry brings it back. The entity needs a new command carrying the value.
   */
  private static PermanentException missing(String where, String object, Exception cause) {
    return new PermanentException(where + ": " + object + " is missing (deleted from the command bucket?): the attribute it holds"
        + " cannot be resolved; publish a new command with the value to repair the entity", cause);
  }

  static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
