package io.cqrssuite.bench.cold;

import java.util.ArrayList;
import java.util.List;

/** The runs of one case, in order. */
final class Samples {
  private final List<Sample> runs = new ArrayList<>();

  void add(Sample sample) {
    runs.add(sample);
  }

  Spread init() {
    return Spread.of(runs.stream().map(Sample::initMs).toList());
  }

  Spread firstEvent() {
    return Spread.of(runs.stream().map(Sample::firstEventMs).toList());
  }

  Spread total() {
    return Spread.of(runs.stream().map(Sample::totalMs).toList());
  }

  /** Every run's total, rounded as the spreads are. */
  List<Double> totals() {
    return runs.stream().map(sample -> Spread.round(sample.totalMs())).toList();
  }

  /** The distinct outcomes: {@code ["ok"]} when every invocation returned. */
  List<String> outcomes() {
    return runs.stream().map(Sample::outcome).distinct().toList();
  }
}
