package io.cqrssuite.bench.page;

import static io.cqrssuite.bench.page.Rounding.fixed;
import static io.cqrssuite.bench.page.Rounding.integer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Cold's figures: per floor and case the median and range of init, first event and total, and the verdict. */
final class ColdSection {
  private ColdSection() {}

  static List<String> lines(JsonNode json) {
    List<String> lines = new ArrayList<>();
    String load = json.path("loadAverage").asText("unknown");
    String[] words = load.split(" ");
    lines.add(integer(json.get("runs")) + " runs of each case, each in a fresh JVM with `JAVA_TOOL_OPTIONS="
        + json.path("javaToolOptions").asText() + "`; load average at the start "
        + (words.length >= 3 ? String.join(" ", words[0], words[1], words[2]) : load)
        + ". Milliseconds, median (min-max). Goal: " + json.path("goal").asText("none recorded") + ".");
    lines.add("");
    lines.add("| case | init | first event | total | x bare | AWS requests | goal |");
    lines.add("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
    json.path("floors").fields().forEachRemaining(floor -> lines.add(row("floor " + floor.getKey(), floor.getValue())));
    json.path("cases").fields().forEachRemaining(row -> lines.add(row(row.getKey(), row.getValue())));
    return lines;
  }

  private static String row(String name, JsonNode figures) {
    JsonNode outcomes = figures.path("outcomes");
    String label = outcomes.size() == 1 && outcomes.get(0).asText().equals("ok") ? name : name + " (outcomes: " + outcomes + ")";
    JsonNode met = figures.get("met");
    String goal = met == null || !met.isBoolean() ? "" : met.booleanValue() ? "met" : "not met";
    JsonNode ratio = figures.get("coldVsFloor");
    return "| " + label + " | " + spread(figures.path("initMs")) + " | " + spread(figures.path("firstEventMs")) + " | "
        + spread(figures.path("totalMs")) + " | " + (ratio == null || ratio.isNull() ? "" : fixed(ratio, 2)) + " | "
        + integer(figures.get("awsRequests")) + " | " + goal + " |";
  }

  private static String spread(JsonNode spread) {
    return integer(spread.get("median")) + " (" + integer(spread.get("min")) + "-" + integer(spread.get("max")) + ")";
  }
}
