package io.cqrssuite.workflow;

import io.cqrssuite.task.TaskErrors;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Supplier;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Task output too large for {@code SendTaskSuccess} (256 KiB), stored in S3 and replaced by a pointer document
 * (contract §6):
 *
 * <pre>{@code {"$s3": {"bucket": "...", "key": "task-outputs/<sha256>.json", "bytes": 300123, "sha256": "<hex>"}}}</pre>
 *
 * The next state reads the object (a Lambda through {@link #resolve}, or an S3 GetObject task). The key is the
 * output's SHA-256, so answering a task twice stores one object and sends the same pointer: completing twice stays
 * harmless. The bucket should expire {@link #PREFIX} after the workflows' longest run.
 */
public final class TaskOutputs {
  /** The pointer document's only field. */
  public static final String POINTER = "$s3";
  /** Where stored outputs go in the bucket. */
  public static final String PREFIX = "task-outputs/";

  private final Supplier<S3Client> s3;
  private final String bucket;
  private final ObjectMapper mapper;

  /** {@code s3} is called only when an output is too large, so small outputs never build an S3 client. */
  public TaskOutputs(Supplier<S3Client> s3, String bucket, ObjectMapper mapper) {
    if (bucket == null || bucket.isBlank()) {
      throw new IllegalArgumentException("a task output bucket must be named");
    }
    this.s3 = s3;
    this.bucket = bucket;
    this.mapper = mapper;
  }

  /** Whether {@code outputJson} fits {@code SendTaskSuccess} as is. */
  public static boolean fits(String outputJson) {
    return outputJson.getBytes(StandardCharsets.UTF_8).length <= TaskErrors.MAX_OUTPUT_BYTES;
  }

  /** {@code outputJson} itself when it fits, else the pointer document to its stored copy. */
  public String fit(String outputJson) {
    byte[] bytes = outputJson.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= TaskErrors.MAX_OUTPUT_BYTES) {
      return outputJson;
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
   * The output a pointer stands for, checked against its SHA-256; any other document as is.
   *
   * @throws IllegalStateException when the stored object is not the one the pointer names
   */
  public JsonNode resolve(JsonNode output) {
    if (!isPointer(output)) {
      return output;
    }
    JsonNode pointer = output.get(POINTER);
    byte[] bytes =
        s3.get().getObjectAsBytes(r -> r.bucket(pointer.path("bucket").asText()).key(pointer.path("key").asText())).asByteArray();
    if (!sha256(bytes).equals(pointer.path("sha256").asText())) {
      throw new IllegalStateException("task output s3://" + pointer.path("bucket").asText() + "/" + pointer.path("key").asText() + " does not match its SHA-256");
    }
    try {
      return mapper.readTree(bytes);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("stored task output is not JSON: " + pointer.path("key").asText(), e);
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
