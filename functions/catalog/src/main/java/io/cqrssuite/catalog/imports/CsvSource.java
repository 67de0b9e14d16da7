package io.cqrssuite.catalog.imports;

import com.fasterxml.jackson.databind.JsonNode;
import io.cqrssuite.event.InvalidEventException;

/**
 * The CSV an import reads: bucket, key, and the version the import started on.
 *
 * @param versionId {@code null} in an unversioned bucket
 * @param eTag {@code null} when the notification carried none
 */
public record CsvSource(String bucket, String key, String versionId, String eTag) {
  /** From a task input's {@code bucket}, {@code key}, {@code versionId}, {@code eTag}. */
  static CsvSource of(JsonNode input) {
    String bucket = input.path("bucket").asText("");
    String key = input.path("key").asText("");
    if (bucket.isEmpty() || key.isEmpty()) {
      throw new InvalidEventException("input", "an import task needs bucket and key");
    }
    return new CsvSource(bucket, key, text(input, "versionId"), text(input, "eTag"));
  }

  private static String text(JsonNode input, String field) {
    JsonNode value = input.get(field);
    return value == null || !value.isTextual() || value.textValue().isEmpty() ? null : value.textValue();
  }

  @Override
  public String toString() {
    return "s3://" + bucket + "/" + key + (versionId == null ? "" : "?versionId=" + versionId);
  }
}
