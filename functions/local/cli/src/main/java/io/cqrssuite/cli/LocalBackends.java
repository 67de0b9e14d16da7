package io.cqrssuite.cli;

import io.cqrssuite.testing.stepfunctions.StepFunctionsCallbackRecorder;
import io.cqrssuite.verification.LocalReadModels;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
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
   * For a command that writes: the stand-ins, then {@link WriteTargets the rule} over the places as they are with
   * the stand-ins in (a refusal closes them and throws a {@link Arguments.UsageException} with every reason), then
   * embedded read models for the places the rule leaves embedded, with the environment pointed at them.
   *
   * @param places the command's places, read from the environment once the stand-ins are in it
   */
  static LocalBackends start(
      Map<String, String> environment, boolean useAws, PrintStream echo, Path root, Function<Map<String, String>, WriteTargets> places, WriteTargets.Intent intent)
      throws IOException {
    LocalBackends backends = start(environment, useAws, echo);
    try {
      WriteTargets targets = places.apply(environment);
      targets.enforce(intent);
      Set<String> embedded = targets.embedded();
      if (!embedded.isEmpty()) {
        backends.readModels = LocalReadModels.start(root, environment, echo, embedded);
        environment.putAll(backends.readModels.settings());
      }
      return backends;
    } catch (IOException | RuntimeException e) {
      backends.close();
      throw e;
    }
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
