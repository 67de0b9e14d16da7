package io.cqrssuite.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * What the usage text says about one form of a command: its synopsis ({@code dlq export FILE [--max N]}, without
 * {@code ./suite}) and what it does, one line of text a line. Each command owns the entries of its forms;
 * {@code ./suite --help} lists them all.
 */
record Usage(String synopsis, List<String> description) {
  static final String EXIT_CODES = "exit codes: 0 ok, 1 the function failed / unexpected results, 2 could not run (reason on stderr)";

  static Usage of(String synopsis, String... description) {
    return new Usage(synopsis, List.of(description));
  }

  /** A row of the table of commands: the synopsis, then the description indented under it. */
  String row() {
    List<String> lines = new ArrayList<>();
    lines.add("  " + synopsis);
    description.forEach(line -> lines.add("        " + line));
    return String.join("\n", lines);
  }
}
