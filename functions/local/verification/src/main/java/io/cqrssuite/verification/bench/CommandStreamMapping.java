package io.cqrssuite.verification.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.cqrssuite.testing.lambda.FunctionSpec;
import io.cqrssuite.testing.lambda.SamTemplate;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the bench takes from {@code template.yaml} so that it follows the deployment: the batch size and batching
 * window of {@code EventFactoryFunction}'s DynamoDB stream mapping on the command table, and the function's memory
 * (the heap the JVM gets, and the GB-seconds a millisecond costs).
 */
record CommandStreamMapping(int batchSize, double batchingWindowSeconds, int memoryMb, String javaToolOptions) {
  static final String FUNCTION = "EventFactoryFunction";
  static final String EVENT = "ProductCommandStream";

  static CommandStreamMapping fromTemplate(Path root) throws IOException {
    SamTemplate template = SamTemplate.load(root.resolve("template.yaml"));
    JsonNode mapping = template.root().path("Resources").path(FUNCTION).path("Properties").path("Events").path(EVENT);
    if (!"DynamoDB".equals(mapping.path("Type").asText())) {
      throw new IOException("template.yaml: " + FUNCTION + " has no DynamoDB event " + EVENT + "; the sync bench follows that mapping");
    }
    JsonNode properties = mapping.path("Properties");
    List<String> unresolved = new ArrayList<>();
    FunctionSpec function = template.function(FUNCTION, Map.of(), unresolved);
    // Lambda's defaults when a property is absent: 100 records, no batching window.
    return new CommandStreamMapping(
        properties.path("BatchSize").asInt(100),
        properties.path("MaximumBatchingWindowInSeconds").asDouble(0),
        function.memoryMb(),
        function.environment().getOrDefault("JAVA_TOOL_OPTIONS", ""));
  }

  /**
   * The heap Lambda's Java runtimes give the JVM: 85 % of the function's memory ({@code -XX:MaxHeapSize}), the rest
   * going to metaspace, the code cache and the runtime.
   */
  int heapMb() {
    return memoryMb * 85 / 100;
  }
}
