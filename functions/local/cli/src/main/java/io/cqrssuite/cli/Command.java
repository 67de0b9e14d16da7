package io.cqrssuite.cli;

import java.util.List;

/** One {@code ./suite} command: its name, its usage text and what it does. */
interface Command {
  /** The first word on the command line. */
  String name();

  /** Its forms as the usage text shows them, in that order. */
  List<Usage> usage();

  /**
   * Runs it with the words after its name and returns the exit code: 0 done, 1 failed or unexpected results. A bad
   * argument or anything that keeps it from running is a {@link Arguments.UsageException} or another exception (2).
   */
  int run(Arguments arguments, Shell shell) throws Exception;
}
