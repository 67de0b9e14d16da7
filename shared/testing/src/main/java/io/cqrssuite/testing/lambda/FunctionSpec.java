package io.cqrssuite.testing.lambda;

import java.util.Map;

/**
 * One {@code AWS::Serverless::Function} of {@code template.yaml} as a local invoke needs it: the handler, its
 * timeout and its environment (Globals merged, intrinsic functions resolved where they can be).
 */
public record FunctionSpec(String logicalId, String handler, int timeoutSeconds, int memoryMb, Map<String, String> environment) {
  public FunctionSpec {
    environment = Map.copyOf(environment);
  }

  /** {@code pkg.Class::method} gives {@code pkg.Class}. */
  public String handlerClass() {
    int at = handler.indexOf("::");
    return at < 0 ? handler : handler.substring(0, at);
  }
}
