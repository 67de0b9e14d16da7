package io.cqrssuite.bench.page;

import static io.cqrssuite.bench.page.Rounding.fixed;
import static io.cqrssuite.bench.page.Rounding.integer;
import static io.cqrssuite.bench.page.Rounding.nanos;
import static io.cqrssuite.bench.page.Rounding.nanosWithError;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Dispatch's figures: each benchmark's ns per operation beside its baseline's from the same run, and the ratio. */
final class DispatchSection {
  private DispatchSection() {}

  static List<String> lines(JsonNode json) {
    // No digit in the text around the figures: the page's test reads every number on it as a figure.
    JsonNode config = json.path("config");
    List<String> lines = new ArrayList<>();
    lines.add("JMH, average time: " + integer(config.get("forks")) + " fork(s) with `" + config.path("jvmArgs").asText()
        + "`, " + integer(config.get("warmupIterations")) + " warmup and " + integer(config.get("measurementIterations"))
        + " measured iterations of " + integer(config.get("iterationMillis")) + " ms per benchmark. Nanoseconds per"
        + " operation ± JMH's error (the half-width of its confidence interval).");
    lines.add("");
    lines.add("| benchmark | suite | baseline | ratio | goal |");
    lines.add("| --- | ---: | ---: | ---: | --- |");
    for (JsonNode result : json.path("results")) {
      JsonNode baseline = result.path("baseline");
      JsonNode met = result.get("goalMet");
      String goal = met == null || !met.isBoolean() ? ""
          : "< " + nanos(result.get("goalNs")) + " ns: " + (met.booleanValue() ? "met" : "missed");
      lines.add("| `" + result.path("name").asText() + "` | " + nanosWithError(result.get("score"), result.get("scoreError"))
          + " | " + nanosWithError(baseline.get("score"), baseline.get("scoreError")) + " | "
          + fixed(result.get("ratio"), 1) + "x | " + goal + " |");
    }
    return lines;
  }
}
