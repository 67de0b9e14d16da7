package io.cqrssuite.workflow;

import io.cqrssuite.task.TaskErrors;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.failure.PermanentException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Task output too large for {@code SendTaskSuccess} (256 KiB), stored in S3 and replaced by a pointer document
 * (contract §6):
 *
 * <pre>{@code {"$s3": {"bucket": "...", "key": "task-outputs/<sha256>.json", "bytes": 300123, "sha256": "<hex>"}}}</pre>
 *
 * The next state reads the object (a Lambda through {@link #resolve}, or an S3 GetObject task). The key is the
 * output's SHA-256, so answering a task twice stores one object and sends the same pointer: completing twice stays
 * harmless. The bucket should expire {@link #PREFIX} after the workflows' longest run.
 *
 * <p>A pointer arrives as task input, which whoever starts the execution shapes: {@link #resolve} follows it only to
 * this bucket's {@code task-outputs/<sha256>.json} for the pointer's own SHA-256, and only when a HEAD shows an
 * object of the pointer's size within {@link #maxBytes()}; the body is read no further than that and checked against
 * the hash. Anything else is a {@link PermanentException} with the reason, and nothing of the object is read. Outputs
 * over the limit are not stored either, so every pointer {@link #fit} writes can be resolved.
 */
public final class TaskOutputs {
  /** The pointer document's only field. */
  public static final String POINTER = "$s3";
  /** Where stored outputs go in the bucket. */
  public static final String PREFIX = "task-outputs/";
  /**
   * 6 MiB, Lambda's own limit on a synchronous response: no larger output could be returned by a Lambda task at
   * all, and a resolved output of this size stays far below any Lambda heap.
   */
  public static final long DEFAULT_MAX_BYTES = 6L << 20;

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private final Supplier<S3Client> s3;
  private final String bucket;
  private final long maxBytes;
  private final ObjectMapper mapper;

  /** With outputs of up to {@link #DEFAULT_MAX_BYTES}. */
  public TaskOutputs(Supplier<S3Client> s3, String bucket, ObjectMapper mapper) {
    this(s3, bucket, DEFAULT_MAX_BYTES, mapper);
  }

  /**
   * {@code s3} is called only when an output is too large, so small outputs never build an S3 client; {@code maxBytes}
   * bounds what is stored and what a pointer may make {@link #resolve} read.
   */
  public TaskOutputs(Supplier<S3Client> s3, String bucket, long maxBytes, ObjectMapper mapper) {
    if (bucket == null || bucket.isBlank()) {
      throw new IllegalArgumentException("a task output bucket must be named");
    }
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("the largest stored task output must be positive, found " + maxBytes);
    }
    this.s3 = s3;
    this.bucket = bucket;
    this.maxBytes = maxBytes;
    this.mapper = mapper;
  }

  /** Whether {@code outputJson} fits {@code SendTaskSuccess} as is. */
  public static boolean fits(String outputJson) {
    return outputJson.getBytes(StandardCharsets.UTF_8).length <= TaskErrors.MAX_OUTPUT_BYTES;
  }

  /** The largest output stored, and the largest object a pointer is followed to. */
  public long maxBytes() {
    return maxBytes;
  }

  /**
   * {@code outputJson} itself when it fits, else the pointer document to its stored copy.
   *
   * @throws IllegalArgumentException the output is over {@link #maxBytes()}: it is not stored
   */
  public String fit(String outputJson) {
    byte[] bytes = outputJson.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= TaskErrors.MAX_OUTPUT_BYTES) {
      return outputJson;
    }
    if (bytes.length > maxBytes) {
      throw new IllegalArgumentException("task output of " + bytes.length + " bytes is over the " + maxBytes + " bytes TaskOutputs stores");
    }
    String sha256 = sha256(bytes);
    String key = PREFIX + sha256 + ".json";
    s3.get().putObject(r -> r.bucket(bucket).key(key).contentType("application/json"), RequestBody.fromBytes(bytes));
    ObjectNode pointer = mapper.createObjectNode();
    pointer.putObject(POINTER).put("bucket", bucket).put("key", key).put("bytes", bytes.length).put("sha256", sha256);
    return write(pointer);
  }

  /** Whether {@code output} is a pointer document rather than the output itself. */
  public static boolean isPointer(JsonNode output) {
    return output != null && output.isObject() && output.size() == 1 && output.path(POINTER).isObject();
  }

  /**
   * The output a pointer stands for, checked against its size and SHA-256; any other document as is.
   *
   * @throws PermanentException the pointer is malformed, names another bucket or another key than
   *     {@code task-outputs/<its sha256>.json}, or its object is missing, over {@link #maxBytes()} or not the one
   *     the pointer names
   */
  public JsonNode resolve(JsonNode output) {
    if (!isPointer(output)) {
      return output;
    }
    JsonNode pointer = output.get(POINTER);
    String named = pointer.path("bucket").isTextual() ? pointer.get("bucket").textValue() : null;
    String key = pointer.path("key").isTextual() ? pointer.get("key").textValue() : null;
    String sha256 = pointer.path("sha256").isTextual() ? pointer.get("sha256").textValue() : null;
    JsonNode bytes = pointer.get("bytes");
    if (named == null || key == null || sha256 == null || bytes == null || !bytes.canConvertToLong() || bytes.longValue() < 0) {
      throw new PermanentException("a task output pointer needs bucket, key, bytes and sha256, found " + pointer);
    }
    long expected = bytes.longValue();
    String object = "task output s3://" + named + "/" + key;
    if (!bucket.equals(named)) {
      throw new PermanentException(object + " is not followed: bucket '" + named + "' is not the task output bucket '" + bucket + "'");
    }
    if (!SHA256.matcher(sha256).matches() || !key.equals(PREFIX + sha256 + ".json")) {
      throw new PermanentException(object + " is not followed: '" + key + "' is not " + PREFIX + "<its sha256>.json");
    }
    if (expected > maxBytes) {
      throw new PermanentException(object + " is not read: its pointer says " + expected + " bytes, over the limit of " + maxBytes + " bytes");
    }
    S3Client client = s3.get();
    long size;
    try {
      size = client.headObject(r -> r.bucket(named).key(key)).contentLength();
    } catch (NoSuchKeyException e) {
      throw new PermanentException(object + " is missing (expired from the bucket?)", e);
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        throw new PermanentException(object + " is missing (expired from the bucket?)", e);
      }
      throw e;
    }
    if (size > maxBytes) {
      throw new PermanentException(object + " holds " + size + " bytes, over the limit of " + maxBytes + " bytes; it is not read");
    }
    if (size != expected) {
      throw new PermanentException(object + " holds " + size + " bytes, its pointer says " + expected + "; it is not read");
    }
    byte[] content;
    try (ResponseInputStream<GetObjectResponse> body = client.getObject(r -> r.bucket(named).key(key))) {
      // No further than the HEAD allowed: an object replaced since cannot make this hold more.
      content = body.readNBytes((int) size + 1);
    } catch (IOException e) {
      throw new UncheckedIOException(object + " could not be read", e);
    }
    if (content.length != expected || !sha256(content).equals(sha256)) {
      throw new PermanentException(object + " does not match its pointer's size and SHA-256");
    }
    try {
      return mapper.readTree(content);
    } catch (IOException e) {
      throw new PermanentException(object + " is not JSON", e);
    }
  }

  private String write(JsonNode node) {
    try {
      return mapper.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("pointer not writable", e);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
