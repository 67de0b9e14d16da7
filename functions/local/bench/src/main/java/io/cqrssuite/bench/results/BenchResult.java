package io.cqrssuite.bench.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.verification.bench.MachineStamp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * One bench's JSON file, read whole. The benches do not agree on where the machine stamp goes (dispatch and sync put
 * it at the top level, cold under {@code machine}): this is the one place that knows both.
 */
public record BenchResult(Bench bench, Path file, JsonNode json) {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  public static BenchResult read(Path file) throws IOException {
    String name = file.getFileName().toString();
    Bench bench = Bench.ofFileName(name)
        .orElseThrow(() -> new IllegalArgumentException(file + " is no bench's file: expected sync-, cold- or"
            + " dispatch-<timestamp>.json, or sync.json, cold.json, dispatch.json"));
    JsonNode json;
    try {
      json = MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException(file + " is not JSON: " + e.getMessage(), e);
    }
    if (json == null || !json.isObject()) {
      throw new IllegalArgumentException(file + " holds no JSON object");
    }
    return new BenchResult(bench, file, json);
  }

  public MachineStamp machine() {
    JsonNode stamp = json.has("machine") ? json.get("machine") : json;
    return new MachineStamp(text(stamp, "commit"), text(stamp, "jdk"), text(stamp, "cpu"), stamp.path("cores").asInt(0));
  }

  /** When the bench started, from its {@code at}; empty when the file has none or an unreadable one. */
  public Optional<Instant> at() {
    String at = json.path("at").asText("");
    try {
      return at.isEmpty() ? Optional.empty() : Optional.of(Instant.parse(at));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** The command line that produced the file, as {@code ./suite bench} recorded it. */
  public Optional<String> command() {
    return json.hasNonNull("command") ? Optional.of(json.get("command").asText()) : Optional.empty();
  }

  /** The plot's file: beside the JSON, the same name ending in {@code .png}. */
  public Path png() {
    String name = file.getFileName().toString();
    return file.resolveSibling(name.substring(0, name.length() - ".json".length()) + ".png");
  }

  private static String text(JsonNode node, String field) {
    return node.hasNonNull(field) ? node.get(field).asText() : "unknown";
  }
}
