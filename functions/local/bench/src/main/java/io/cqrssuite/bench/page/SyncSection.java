package io.cqrssuite.bench.page;

import static io.cqrssuite.bench.page.Rounding.fixed;
import static io.cqrssuite.bench.page.Rounding.integer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Sync's figures: commands per second of the suite and of the raw limit at each batch size, and their ratio. */
final class SyncSection {
  private SyncSection() {}

  static List<String> lines(JsonNode json) {
    List<String> lines = new ArrayList<>();
    lines.add(integer(json.get("commands")) + " commands over " + integer(json.get("entities"))
        + " entities. At the suite's batch size (" + integer(json.get("batchSize")) + ") the suite runs at "
        + fixed(json.get("suiteVsRaw"), 2) + " of the raw limit; against the raw limit at its fastest batch size ("
        + integer(json.get("rawBestBatchSize")) + "), at " + fixed(json.get("suiteVsRawBest"), 2) + ".");
    lines.add("");
    lines.add("| batch size | suite commands/s | raw commands/s | suite/raw | p50 ms | p99 ms |");
    lines.add("| ---: | ---: | ---: | ---: | ---: | ---: |");
    for (JsonNode size : json.path("sizes")) {
      lines.add("| " + integer(size.get("batchSize")) + " | " + integer(size.get("suitePerSecond")) + " | "
          + integer(size.get("rawPerSecond")) + " | " + fixed(size.get("suiteVsRaw"), 2) + " | "
          + fixed(size.get("p50Ms"), 1) + " | " + fixed(size.get("p99Ms"), 1) + " |");
    }
    return lines;
  }
}
