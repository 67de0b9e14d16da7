package io.cqrssuite.catalog.imports;

import io.cqrssuite.command.SourceVersion;
import com.fasterxml.jackson.databind.JsonNode;
import io.cqrssuite.event.InvalidEventException;

/**
 * The CSV an import reads: bucket, key, and the version the import started on.
 *
 * @param versionId {@code null} in an unversioned bucket
 * @param eTag {@code null} when the notification carried none
 * @param sourceVersion when the file was stored; {@code null} for an import started without one
 */
public record CsvSource(String bucket, String key, String versionId, String eTag, SourceVersion sourceVersion) {
  public CsvSource(String bucket, String key, String versionId, String eTag) {
    this(bucket, key, versionId, eTag, null);
  }

  /** From a task input's {@code bucket}, {@code key}, {@code versionId}, {@code eTag}, {@code sourceVersion}. */
  static CsvSource of(JsonNode input) {
    String bucket = input.path("bucket").asText("");
    String key = input.path("key").asText("");
    if (bucket.isEmpty() || key.isEmpty()) {
      throw new InvalidEventException("input", "an import task needs bucket and key");
    }
    SourceVersion source;
    try {
      source = SourceVersion.parse(text(input, "sourceVersion"));
    } catch (IllegalArgumentException e) {
      throw new InvalidEventException("input.sourceVersion", e.getMessage());
    }
    return new CsvSource(bucket, key, text(input, "versionId"), text(input, "eTag"), source);
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
