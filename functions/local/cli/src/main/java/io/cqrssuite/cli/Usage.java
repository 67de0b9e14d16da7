package io.cqrssuite.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * What the usage text says about one form of a command: its synopsis ({@code dlq export FILE [--max N]}, without
 * {@code ./suite}) and what it does, one line of text a line. The same entry is a row of {@code ./suite --help} and
 * part of the command's own {@code --help}, so the two cannot drift apart.
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

  /** The {@code --help} of a command: its synopses, what they do, and the exit codes. */
  static String help(List<Usage> forms) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < forms.size(); i++) {
      lines.add((i == 0 ? "usage: " : "       ") + "./suite " + forms.get(i).synopsis());
    }
    lines.add("");
    if (forms.size() == 1) {
      lines.addAll(forms.get(0).description());
    } else {
      forms.forEach(form -> lines.add(form.row()));
    }
    lines.add("");
    lines.add(EXIT_CODES);
    return String.join("\n", lines);
  }
}
