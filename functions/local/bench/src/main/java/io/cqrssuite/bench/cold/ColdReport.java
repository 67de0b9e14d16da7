package io.cqrssuite.bench.cold;

import io.cqrssuite.verification.bench.MachineStamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of one run, serialised as the JSON line. {@code coldVsFloor} is a case's median total over floor (a)'s
 * median total. The goal: a case that touches no AWS service (no request recorded in any of its runs) within 1.3x
 * the bare floor; any other case no slower than the SDK floor.
 */
public record ColdReport(
    String bench, String at, MachineStamp machine, String loadAverage, int runs, String javaToolOptions, boolean cds,
    long jarBytes, String goal, Map<String, Figures> floors, Map<String, Figures> cases, List<String> noAwsCases) {
  static final double NO_AWS_GOAL = 1.3;

  /**
   * Medians and ranges of one case, with its verdict (floors have none).
   *
   * @param totalMsRuns every run's total in run order, so that a plot can draw quartiles, not only the range
   */
  public record Figures(
      Spread initMs, Spread firstEventMs, Spread totalMs, List<Double> totalMsRuns, int awsRequests,
      List<String> outcomes, ClassCensus classes, Double coldVsFloor, String target, Boolean met) {
    public Figures {
      totalMsRuns = List.copyOf(totalMsRuns);
    }
  }

  static ColdReport of(
      Instant at, MachineStamp machine, String load, int runs, String toolOptions, boolean cds, long jarBytes,
      Map<String, Samples> samples, Map<String, Integer> awsRequests, Map<String, ClassCensus> classes) {
    Samples bare = samples.get("floor.bare");
    Samples sdk = samples.get("floor.sdk");
    Map<String, Figures> floors = new LinkedHashMap<>();
    floors.put("bare", figures(bare, 0, classes.get("floor.bare"), null, null, null));
    floors.put("sdk", figures(sdk, 0, classes.get("floor.sdk"), null, null, null));
    Map<String, Figures> cases = new LinkedHashMap<>();
    List<String> noAws = new ArrayList<>();
    samples.forEach((name, runsOfCase) -> {
      if (name.startsWith("floor.")) {
        return;
      }
      int requests = awsRequests.getOrDefault(name, 0);
      double total = runsOfCase.total().median();
      double ratio = Math.round(total / bare.total().median() * 100) / 100.0;
      String target;
      boolean met;
      if (requests == 0) {
        noAws.add(name);
        target = "<= " + NO_AWS_GOAL + "x floor bare";
        met = ratio <= NO_AWS_GOAL;
      } else {
        target = "<= floor sdk (" + sdk.total().median() + " ms)";
        met = total <= sdk.total().median();
      }
      cases.put(name, figures(runsOfCase, requests, classes.get(name), ratio, target, met));
    });
    return new ColdReport("cold", at.toString(), machine, load, runs, toolOptions, cds, jarBytes,
        "a case calling no AWS service <= " + NO_AWS_GOAL + "x the bare floor's median total; any other case <= the SDK"
            + " floor's median total", floors, cases, noAws);
  }

  private static Figures figures(
      Samples samples, int requests, ClassCensus classes, Double ratio, String target, Boolean met) {
    return new Figures(samples.init(), samples.firstEvent(), samples.total(), samples.totals(), requests,
        samples.outcomes(), classes, ratio, target, met);
  }

  boolean floorsFailed() {
    return floors.values().stream().anyMatch(figures -> !figures.outcomes().equals(List.of("ok")));
  }

  String table() {
    StringBuilder table = new StringBuilder();
    table.append(String.format("%-22s %20s %20s %20s %6s %5s %13s %-8s%n",
        "case", "init ms (min-max)", "1st event ms", "total ms", "x bare", "AWS", "classes i+1st", "goal"));
    floors.forEach((name, figures) -> table.append(row("floor " + name, figures)));
    cases.forEach((name, figures) -> table.append(row(name, figures)));
    table.append("goal: ").append(goal).append(String.format("%njar: %,d bytes%s", jarBytes, cds ? "; AppCDS archives on" : ""));
    return table.toString();
  }

  private static String row(String name, Figures figures) {
    ClassCensus classes = figures.classes();
    return String.format("%-22s %20s %20s %20s %6s %5d %13s %-8s%s%n", name, spread(figures.initMs()),
        spread(figures.firstEventMs()), spread(figures.totalMs()),
        figures.coldVsFloor() == null ? "" : String.format("%.2f", figures.coldVsFloor()), figures.awsRequests(),
        classes == null ? "" : classes.atInit() + "+" + classes.atFirstEvent(),
        figures.met() == null ? "" : figures.met() ? "met" : "not met",
        figures.outcomes().equals(List.of("ok")) ? "" : "  " + figures.outcomes());
  }

  private static String spread(Spread spread) {
    return String.format("%.0f (%.0f-%.0f)", spread.median(), spread.min(), spread.max());
  }
}
