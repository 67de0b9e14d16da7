package io.cqrssuite.testing;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.factory.EventJson;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The sample Lambda events in {@code events/} at the repository root. Maven runs the shared module's tests with the
 * module directory as the working directory, so the samples are at {@code ../events/}.
 */
public final class SampleEvents {
  private static final ObjectMapper MAPPER = EventJson.newMapper();

  private SampleEvents() {}

  /** {@code relative} is a path under {@code events/}, such as {@code "sqs/standard-batch.json"}. */
  public static Path path(String relative) {
    Path path = Path.of("..", "events").resolve(relative);
    if (!Files.isRegularFile(path)) {
      fail(
          "sample event %s not found (looked at %s from working directory %s); the tests expect the repository's"
              + " events/ directory beside the shared module",
          relative, path.toAbsolutePath().normalize(), Path.of("").toAbsolutePath());
    }
    return path;
  }

  public static byte[] bytes(String relative) {
    try {
      return Files.readAllBytes(path(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static InputStream stream(String relative) {
    return new ByteArrayInputStream(bytes(relative));
  }

  public static String text(String relative) {
    return new String(bytes(relative), StandardCharsets.UTF_8);
  }

  /** The sample as a mutable tree, for tests that derive a broken variant from a real event. */
  public static ObjectNode tree(String relative) {
    try {
      JsonNode node = MAPPER.readTree(bytes(relative));
      return (ObjectNode) node;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static InputStream stream(JsonNode event) {
    try {
      return new ByteArrayInputStream(MAPPER.writeValueAsBytes(event));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
