package io.cqrssuite.bench.page;

import static io.cqrssuite.bench.page.Rounding.fixed;
import static io.cqrssuite.bench.page.Rounding.integer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** The cost of a million synced changes per command-sync path, with the list prices and what is left out. */
final class CostSection {
  private CostSection() {}

  static List<String> lines(JsonNode json) {
    JsonNode basis = json.path("basis");
    JsonNode prices = json.path("prices");
    JsonNode dynamo = prices.path("dynamoDbOnDemand");
    JsonNode lambda = prices.path("lambda");
    List<String> lines = new ArrayList<>();
    lines.add("Per million changes, in " + prices.path("currency").asText() + ", from the calls counted by the"
        + " published runs of `bench sync` (batch size " + integer(basis.get("batchSize")) + ", memory "
        + integer(basis.get("memoryMb")) + " MB) and `bench commands`, at the list prices of "
        + prices.path("region").asText() + " read on " + prices.path("readOn").asText() + ": DynamoDB on demand $"
        + fixed(dynamo.get("usdPerMillionWriteRequestUnits"), 3) + " per million write units and $"
        + fixed(dynamo.get("usdPerMillionReadRequestUnits"), 3) + " per million read units (" + dynamo.path("source").asText()
        + "); Lambda $" + fixed(lambda.get("usdPerMillionRequests"), 2) + " per million requests, $"
        + fixed(lambda.path("usdPerGbSecond").get("arm64"), 10) + " per GB-second on arm64 and $"
        + fixed(lambda.path("usdPerGbSecond").get("x86_64"), 10) + " on x86 (" + lambda.path("source").asText() + ").");
    lines.add("");
    lines.add("| command-sync path | writes | DynamoDB read units | DynamoDB write units | DynamoDB $ | invocations | GB-seconds | Lambda requests $ | Lambda compute $ arm64 | total $ arm64 | total $ x86 | RDS round trips | OpenSearch requests |");
    lines.add("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    json.path("perMillionChanges").fields().forEachRemaining(entry -> {
      JsonNode path = entry.getValue();
      JsonNode ddb = path.path("dynamoDb");
      JsonNode fn = path.path("lambda");
      lines.add("| `" + entry.getKey() + "` | " + path.path("writes").asText() + " | " + integer(ddb.get("readUnits"))
          + " | " + integer(ddb.get("writeUnits")) + " | " + fixed(ddb.get("usd"), 4) + " | " + integer(fn.get("invocations"))
          + " | " + fixed(fn.get("gbSeconds"), 1) + " | " + fixed(fn.get("requestsUsd"), 4) + " | "
          + fixed(fn.path("computeUsd").get("arm64"), 4) + " | " + fixed(path.path("totalUsd").get("arm64"), 4) + " | "
          + fixed(path.path("totalUsd").get("x86_64"), 4) + " | " + integer(path.path("rds").get("roundTrips")) + " | "
          + integer(path.path("openSearch").get("requests")) + " |");
    });
    lines.add("");
    List<String> out = new ArrayList<>();
    json.path("leftOut").forEach(item -> out.add(item.asText()));
    prices.path("notPriced").forEach(item -> out.add(item.asText()));
    lines.add("Not in the totals: " + String.join("; ", out) + ".");
    return lines;
  }
}
