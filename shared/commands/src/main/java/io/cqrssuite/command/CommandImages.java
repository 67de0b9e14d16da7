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
import software.amazon.awssdk.core.exception.SdkException;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Turns a command image as stored (or as the command stream delivers it, converted to plain JSON) back into the full
 * image: every top-level attribute held in S3 is a pointer {@code {"$s3": {"bucket", "key", "sha256", "bytes"}}}, and
 * {@link #resolve} replaces it with the JSON value the object holds, after checking its size and SHA-256. The objects
 * are immutable, so a pointer read at any time gives the value of its version.
 */
public final class CommandImages {
  static final String POINTER = "$s3";

  private final Supplier<S3Client> s3;
  private final ObjectMapper mapper;

  /** {@code s3} may be {@code null} where no command uses a bucket; a pointer then fails to resolve. */
  public CommandImages(S3Client s3, ObjectMapper mapper) {
    this(s3 == null ? null : () -> s3, mapper);
  }

  /**
   * With a client asked for only when a pointer is read (and built then, if the supplier builds it), so a stream
   * function whose images hold no pointers never pays for an S3 client.
   */
  public CommandImages(Supplier<S3Client> s3, ObjectMapper mapper) {
    this.s3 = s3;
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

  /** A copy of {@code image} with every pointer replaced by its value; an image without pointers comes back as a copy. */
  public ObjectNode resolve(ObjectNode image) {
    ObjectNode full = image.deepCopy();
    for (Iterator<Map.Entry<String, JsonNode>> it = image.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> attribute = it.next();
      if (isPointer(attribute.getValue())) {
        full.set(attribute.getKey(), fetch(attribute.getValue()));
      }
    }
    return full;
  }

  /** Whether {@code value} is an S3 pointer: an object whose only member is {@code $s3}. */
  public static boolean isPointer(JsonNode value) {
    return value != null && value.isObject() && value.size() == 1 && value.has(POINTER);
  }

  JsonNode fetch(JsonNode pointer) {
    JsonNode location = pointer.get(POINTER);
    String bucket = location.path("bucket").asText(null);
    String key = location.path("key").asText(null);
    String sha256 = location.path("sha256").asText(null);
    JsonNode bytes = location.get("bytes");
    if (bucket == null || key == null || sha256 == null || bytes == null || !bytes.canConvertToLong()) {
      throw new PermanentException("an S3 pointer needs bucket, key, sha256 and bytes, found " + location);
    }
    if (s3 == null) {
      throw new PermanentException("s3://" + bucket + "/" + key + " cannot be read: no S3 client was given to CommandImages");
    }
    byte[] content;
    try {
      content = s3.get().getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray();
    } catch (NoSuchKeyException | NoSuchBucketException e) {
      // The objects are written before their command and never replaced: a missing one was deleted by hand or by a
      // lifecycle rule, and no retry brings it back. The entity needs a new command carrying the value.
      throw new PermanentException("s3://" + bucket + "/" + key + " is missing (deleted from the command bucket?): the attribute it holds"
          + " cannot be resolved; publish a new command with the value to repair the entity", e);
    } catch (SdkException e) {
      throw new CommandStoreException("s3://" + bucket + "/" + key + " could not be read", e);
    }
    String actual = sha256(content);
    if (content.length != bytes.longValue() || !actual.equals(sha256)) {
      throw new PermanentException("s3://" + bucket + "/" + key + " does not match its pointer: " + content.length + " bytes with SHA-256 "
          + actual + ", expected " + bytes.longValue() + " bytes with " + sha256);
    }
    try {
      return mapper.readTree(content);
    } catch (IOException e) {
      throw new PermanentException("s3://" + bucket + "/" + key + " does not hold JSON", e);
    }
  }

  static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
