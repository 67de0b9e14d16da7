package io.cqrssuite.bench;

import io.cqrssuite.verification.bench.MachineStamp;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One run's figures, as the table a person reads and the JSON object a later run or a script compares. */
public record DispatchReport(Instant at, MachineStamp machine, DispatchBench.Options options, List<Comparison> comparisons) {
  public DispatchReport {
    comparisons = List.copyOf(comparisons);
  }

  public String table() {
    List<String> lines = new ArrayList<>();
    lines.add(String.format("%-24s %22s %22s %8s  %s", "benchmark (ns/op)", "suite", "baseline", "ratio", "baseline is"));
    for (Comparison c : comparisons) {
      String goal = c.goalMet() == null ? "" : (c.goalMet() ? "  goal < " : "  MISSED goal < ") + Score.format(c.measured().goalNs()) + " ns";
      lines.add(String.format("%-24s %22s %22s %7.1fx  %s%s",
          c.name(), c.suite().text(), c.baseline().text(), c.ratio(), c.measured().baseline(), goal));
    }
    lines.add(String.format("%s; %d cores, %s; %s; commit %s",
        options.describe(), machine.cores(), machine.cpu(), machine.jdk(), machine.commit()));
    return String.join("\n", lines);
  }

  public ObjectNode json() {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    ObjectNode json = nodes.objectNode();
    json.put("bench", "dispatch");
    json.put("at", at.toString());
    json.put("commit", machine.commit());
    json.put("jdk", machine.jdk());
    json.put("cpu", machine.cpu());
    json.put("cores", machine.cores());
    ObjectNode config = json.putObject("config");
    config.put("forks", options.forks());
    config.put("warmupIterations", options.warmupIterations());
    config.put("measurementIterations", options.measurementIterations());
    config.put("iterationMillis", options.iterationMillis());
    config.put("jvmArgs", String.join(" ", DispatchBench.FORK_JVM_ARGS));
    var results = json.putArray("results");
    for (Comparison c : comparisons) {
      ObjectNode row = results.addObject();
      row.put("name", c.name());
      row.put("operation", c.measured().operation());
      row.put("unit", "ns/op");
      score(row, c.suite());
      ObjectNode baseline = row.putObject("baseline");
      baseline.put("what", c.measured().baseline());
      score(baseline, c.baseline());
      row.put("ratio", c.ratio());
      if (c.goalMet() != null) {
        row.put("goalNs", c.measured().goalNs());
        row.put("goalMet", c.goalMet());
      }
    }
    return json;
  }

  /** JSON has no NaN: an error JMH could not estimate is {@code null}. */
  private static void score(ObjectNode json, Score score) {
    json.put("score", score.ns());
    if (Double.isNaN(score.error())) {
      json.putNull("scoreError");
    } else {
      json.put("scoreError", score.error());
    }
  }
}
