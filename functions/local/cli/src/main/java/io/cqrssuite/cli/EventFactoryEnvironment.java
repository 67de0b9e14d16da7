package io.cqrssuite.cli;

import io.cqrssuite.testing.lambda.FunctionSpec;
import io.cqrssuite.testing.lambda.InvokeEnvironment;
import io.cqrssuite.testing.lambda.SamTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * EventFactoryFunction's environment from template.yaml, as the local runs (run, samples, bench, chaos, dlq replay)
 * give it to the handler they call in this JVM.
 */
final class EventFactoryEnvironment {
  static final String FUNCTION = "EventFactoryFunction";

  private EventFactoryEnvironment() {}

  private static FunctionSpec function(Path template) throws IOException {
    return SamTemplate.load(template).function(FUNCTION, Map.of(), new ArrayList<>());
  }

  /**
   * The template's environment with the shell's overrides, less what names deployed resources (the local run
   * substitutes its embedded engines for those); empty when there is no template.
   */
  static Map<String, String> of(Path root, Map<String, String> processEnv) throws IOException {
    Path template = root.resolve("template.yaml");
    if (!Files.isRegularFile(template)) {
      return new HashMap<>();
    }
    return of(function(template), processEnv);
  }

  private static Map<String, String> of(FunctionSpec function, Map<String, String> processEnv) {
    return new HashMap<>(InvokeEnvironment.build(function, processEnv, InvokeEnvironment.EnvVarsFile.none()));
  }

  /**
   * Quietens the handler unless the shell asks otherwise: its log at ERROR, and no metrics, since one metrics line per
   * batch would bury the progress display (a user can ask for them with SUITE_METRICS=on).
   */
  static Map<String, String> quiet(Map<String, String> environment, Map<String, String> processEnv) {
    environment.put("SUITE_LOG_LEVEL", processEnv.getOrDefault("SUITE_LOG_LEVEL", "ERROR"));
    environment.put("SUITE_METRICS", processEnv.getOrDefault("SUITE_METRICS", "off"));
    return environment;
  }

  /**
   * Drops the configured read models, for runs that write their own data and check it: those always get their own
   * embedded engines, never the ones the template or the shell names.
   */
  static Map<String, String> withoutReadModels(Map<String, String> environment) {
    environment.remove("SUITE_RDS_URL");
    environment.remove("SUITE_OPENSEARCH_ENDPOINT");
    return environment;
  }
}
