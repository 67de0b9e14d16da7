package io.cqrssuite.testing.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment a local invoke gives a function, built in the order {@code sam local invoke} uses: what Lambda
 * itself sets, the caller's AWS settings (region, credentials, endpoint overrides), the template's variables, the
 * caller's {@code SUITE_*} variables, then
 * the overrides of an {@code --env-vars} file ({@code {"Parameters": {...}, "<LogicalId>": {...}}}).
 */
public final class InvokeEnvironment {
  private InvokeEnvironment() {}

  /** SAM's env-vars file: parameter overrides and per-function variables. */
  public record EnvVarsFile(Map<String, String> parameters, Map<String, Map<String, String>> functions) {
    public static EnvVarsFile none() {
      return new EnvVarsFile(Map.of(), Map.of());
    }

    public static EnvVarsFile read(Path file) throws IOException {
      JsonNode root;
      try {
        root = new ObjectMapper().readTree(Files.readAllBytes(file));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IOException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
      }
      if (root == null || !root.isObject()) {
        throw new IOException(file + " must hold a JSON object such as {\"EventFactoryFunction\": {\"VAR\": \"value\"}}");
      }
      Map<String, String> parameters = new LinkedHashMap<>();
      Map<String, Map<String, String>> functions = new LinkedHashMap<>();
      var fields = root.fields();
      while (fields.hasNext()) {
        var entry = fields.next();
        if (!entry.getValue().isObject()) {
          throw new IOException(file + ": '" + entry.getKey() + "' must map variable names to values");
        }
        Map<String, String> values = new LinkedHashMap<>();
        entry.getValue().fields().forEachRemaining(v -> values.put(v.getKey(), v.getValue().asText()));
        if ("Parameters".equals(entry.getKey())) {
          parameters.putAll(values);
        } else {
          functions.put(entry.getKey(), values);
        }
      }
      return new EnvVarsFile(parameters, functions);
    }
  }

  public static Map<String, String> build(FunctionSpec function, Map<String, String> processEnv, EnvVarsFile overrides) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_LAMBDA_FUNCTION_NAME", function.logicalId());
    env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(function.memoryMb()));
    env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
    processEnv.forEach((name, value) -> {
      if (name.equals("AWS_REGION") || name.equals("AWS_DEFAULT_REGION") || name.startsWith("AWS_ENDPOINT_URL")
          || name.equals("AWS_ACCESS_KEY_ID") || name.equals("AWS_SECRET_ACCESS_KEY") || name.equals("AWS_SESSION_TOKEN")
          || name.equals("AWS_PROFILE")) {
        env.put(name, value);
      }
    });
    env.putAll(function.environment());
    // SUITE_* from the shell win over the template, so a read model's endpoint can be given without a file.
    processEnv.forEach((name, value) -> {
      if (name.startsWith("SUITE_")) {
        env.put(name, value);
      }
    });
    env.putAll(overrides.functions().getOrDefault(function.logicalId(), Map.of()));
    return env;
  }
}
