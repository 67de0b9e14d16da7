package io.cqrssuite.cli;

import io.cqrssuite.testing.stepfunctions.StepFunctionsCallbackRecorder;
import io.cqrssuite.verification.LocalReadModels;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * The stand-ins a local invoke starts for AWS services that have no server on this machine, unless the caller
 * configured an endpoint or asked for AWS ({@code --aws}). Today: the Step Functions callback recorder. Local
 * credentials are set only when none are configured, since the stand-ins do not check signatures.
 */
final class LocalBackends implements AutoCloseable {
  private final StepFunctionsCallbackRecorder stepFunctions;
  private LocalReadModels readModels;

  private LocalBackends(StepFunctionsCallbackRecorder stepFunctions) {
    this.stepFunctions = stepFunctions;
  }

  /**
   * Also starts the embedded read models (PostgreSQL, OpenSearch) for those of {@code SUITE_RDS_URL} and
   * {@code SUITE_OPENSEARCH_ENDPOINT} that the function declares ({@code declared}) and the environment leaves blank,
   * and points the environment at them.
   */
  static LocalBackends start(Map<String, String> environment, boolean useAws, PrintStream echo, Path root, Set<String> declared)
      throws IOException {
    LocalBackends backends = start(environment, useAws, echo);
    if (useAws) {
      return backends;
    }
    try {
      backends.readModels = LocalReadModels.start(root, environment, echo, declared);
    } catch (IOException | RuntimeException e) {
      backends.close();
      throw e;
    }
    environment.putAll(backends.readModels.settings());
    return backends;
  }

  static LocalBackends start(Map<String, String> environment, boolean useAws, PrintStream echo) throws IOException {
    if (useAws) {
      return new LocalBackends(null);
    }
    StepFunctionsCallbackRecorder recorder = null;
    if (!environment.containsKey("AWS_ENDPOINT_URL_SFN") && !environment.containsKey("AWS_ENDPOINT_URL")) {
      recorder = StepFunctionsCallbackRecorder.start(echo);
      environment.put("AWS_ENDPOINT_URL_SFN", recorder.endpoint());
    }
    if (!environment.containsKey("AWS_ACCESS_KEY_ID") && System.getProperty("aws.accessKeyId") == null) {
      System.setProperty("aws.accessKeyId", "local");
      System.setProperty("aws.secretAccessKey", "local");
    }
    return new LocalBackends(recorder);
  }

  @Override
  public void close() {
    if (readModels != null) {
      readModels.close();
    }
    if (stepFunctions != null) {
      stepFunctions.close();
    }
  }
}
