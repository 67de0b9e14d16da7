package io.cqrssuite.deploy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The read-model setup steps of one function, applied in order: every configured step, and a clear failure when
 * none is configured (a deploy-time setup that sets up nothing is a configuration mistake, not a success).
 */
final class ReadModelSetups {
  private final List<ReadModelSetup> steps;

  public ReadModelSetups(List<ReadModelSetup> steps) {
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("no read-model setup step given");
    }
    this.steps = List.copyOf(steps);
  }

  /**
   * Applies every configured step.
   *
   * @return what the steps did, merged (the custom resource's {@code Data})
   * @throws IllegalArgumentException when no step is configured
   */
  public synchronized Map<String, Object> apply() throws Exception {
    List<ReadModelSetup> configured = steps.stream().filter(ReadModelSetup::configured).toList();
    if (configured.isEmpty()) {
      List<String> names = steps.stream().map(ReadModelSetup::configuredBy).toList();
      throw new IllegalArgumentException(
          (names.size() == 1 ? names.get(0) + " is not set" : "neither " + String.join(" nor ", names) + " is set")
              + ": there is no read model to set up");
    }
    Map<String, Object> result = new LinkedHashMap<>();
    for (ReadModelSetup step : configured) {
      step.apply(result);
    }
    return result;
  }
}
