package io.cqrssuite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A deployed function's environment variables, as the user fetched them: the output of
 * {@code aws lambda get-function-configuration} ({@code {"Environment": {"Variables": {...}}}}), of its
 * {@code --query Environment} ({@code {"Variables": {...}}}), or the variables alone. Commands that act on a real
 * stack take this instead of a local reading of the template, which cannot know the names the stack gave its
 * resources.
 */
final class DeployedEnvironment {
  private DeployedEnvironment() {}

  static Map<String, String> read(Path file) throws IOException {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readAllBytes(file));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
    JsonNode variables = root;
    if (variables != null && variables.has("Environment")) {
      variables = variables.get("Environment");
    }
    if (variables != null && variables.has("Variables")) {
      variables = variables.get("Variables");
    }
    if (variables == null || !variables.isObject()) {
      throw new IOException(file + " must hold the function's variables: {\"Variables\": {\"NAME\": \"value\"}} or the output of"
          + " `aws lambda get-function-configuration`");
    }
    Map<String, String> environment = new LinkedHashMap<>();
    var fields = variables.fields();
    while (fields.hasNext()) {
      var field = fields.next();
      if (!field.getValue().isValueNode()) {
        throw new IOException(file + ": variable " + field.getKey() + " must be a string");
      }
      environment.put(field.getKey(), field.getValue().asText());
    }
    return environment;
  }
}
