package io.cqrssuite.bench.results;

import java.util.Arrays;
import java.util.Optional;

/**
 * The benches whose results are plotted and published, in the order of {@code docs/benchmarks.md}. A bench's files
 * are {@code <label>-<yyyyMMdd-HHmmss>.json} under {@code target/bench/} and {@code <label>.json} once published.
 */
public enum Bench {
  SYNC("sync", "./suite bench sync"),
  COLD("cold", "./suite bench cold"),
  DISPATCH("dispatch", "./suite bench dispatch"),
  COMMANDS("commands", "./suite bench commands"),
  COST("cost", "./suite bench cost");

  private final String label;
  private final String command;

  Bench(String label, String command) {
    this.label = label;
    this.command = command;
  }

  public String label() {
    return label;
  }

  /** The command with its default options, shown while a bench has no published run. */
  public String command() {
    return command;
  }

  /** The published file's name, {@code <label>.json}. */
  public String publishedName() {
    return label + ".json";
  }

  /** The bench a file belongs to by its name: {@code cold.json} or {@code cold-20261205-193000.json}. */
  public static Optional<Bench> ofFileName(String name) {
    return Arrays.stream(values())
        .filter(b -> name.equals(b.publishedName()) || (name.startsWith(b.label + "-") && name.endsWith(".json")))
        .findFirst();
  }
}
