package io.cqrssuite.operations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Resync checkpoints in a local JSON file, for runs from a terminal: {@code {"run": {...}, "segments": {"3": {"next":
 * {"pk": {"S": "..."}}, "done": false, "entities": 1200}}}}. The file names the run (source, segment count, since) and a
 * file of another run is refused rather than resumed wrongly. Written by replacing the file atomically.
 */
public final class FileCheckpoints implements ResyncCheckpoints {
  private final Path file;
  private final ObjectMapper mapper;
  private final ObjectNode document;

  /**
   * @param run what identifies the run ({@code source}, {@code segments}, {@code since}); a file for another run is
   *     refused
   */
  public FileCheckpoints(Path file, ObjectMapper mapper, ObjectNode run) throws IOException {
    this.file = file;
    this.mapper = mapper;
    if (Files.exists(file)) {
      JsonNode existing = mapper.readTree(file.toFile());
      if (!run.equals(existing.path("run"))) {
        throw new IllegalArgumentException(
            file + " holds the checkpoints of another resync (" + existing.path("run") + ", not " + run
                + "): remove it to start over, or give the same source, segments and since to resume");
      }
      this.document = (ObjectNode) existing;
    } else {
      this.document = mapper.createObjectNode();
      document.set("run", run);
      document.putObject("segments");
    }
  }

  @Override
  public synchronized Optional<State> load(int segment) {
    JsonNode entry = document.path("segments").path(Integer.toString(segment));
    if (entry.isMissingNode()) {
      return Optional.empty();
    }
    return Optional.of(new State(key(entry.get("next")), entry.path("done").asBoolean(), entry.path("entities").asLong()));
  }

  @Override
  public synchronized void save(int segment, State state) throws IOException {
    ObjectNode entry = ((ObjectNode) document.get("segments")).putObject(Integer.toString(segment));
    if (state.next() != null) {
      entry.set("next", json(state.next()));
    }
    entry.put("done", state.done());
    entry.put("entities", state.entities());
    Path staged = file.resolveSibling(file.getFileName() + ".tmp");
    mapper.writeValue(staged.toFile(), document);
    Files.move(staged, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** A key is strings, numbers or binary: the only types DynamoDB keys take. */
  private ObjectNode json(Map<String, AttributeValue> key) {
    ObjectNode out = mapper.createObjectNode();
    key.forEach((name, value) -> {
      ObjectNode typed = out.putObject(name);
      if (value.s() != null) {
        typed.put("S", value.s());
      } else if (value.n() != null) {
        typed.put("N", value.n());
      } else if (value.b() != null) {
        typed.put("B", value.b().asByteArray());
      }
    });
    return out;
  }

  private static Map<String, AttributeValue> key(JsonNode json) {
    if (json == null || !json.isObject()) {
      return null;
    }
    Map<String, AttributeValue> key = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      JsonNode typed = field.getValue();
      AttributeValue value;
      if (typed.has("S")) {
        value = AttributeValue.fromS(typed.get("S").asText());
      } else if (typed.has("N")) {
        value = AttributeValue.fromN(typed.get("N").asText());
      } else {
        try {
          value = AttributeValue.fromB(SdkBytes.fromByteArray(typed.get("B").binaryValue()));
        } catch (IOException e) {
          throw new IllegalArgumentException("checkpoint key " + field.getKey() + " is not base64", e);
        }
      }
      key.put(field.getKey(), value);
    }
    return key;
  }
}
