package io.cqrssuite.cli;

import io.cqrssuite.bench.plot.BenchPlots;
import io.cqrssuite.bench.results.Bench;
import io.cqrssuite.bench.results.BenchFiles;
import io.cqrssuite.bench.results.BenchResult;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * After a bench: finds the JSON it wrote under {@code target/bench/} (the benches print its path but do not return
 * it), records the command line in it and draws its plot beside it. The bench's figures are already written and its
 * exit code already decided: a plot that cannot be drawn is reported on stderr and changes neither.
 */
final class BenchPlotting {
  private BenchPlotting() {}

  static void after(Shell shell, Bench bench, Instant started, String commandLine) {
    try {
      Optional<Path> file = BenchFiles.newest(shell.root().resolve(BenchFiles.RUNS), bench, started);
      if (file.isEmpty()) {
        shell.err().println("bench " + bench.label() + ": no " + BenchFiles.RUNS + "/" + bench.label()
            + "-*.json written by this run, so no plot");
        return;
      }
      BenchFiles.stamp(file.get(), commandLine);
      Path png = BenchPlots.draw(BenchResult.read(file.get()));
      shell.err().println("plot drawn to " + png);
    } catch (Exception e) {
      shell.err().println("bench " + bench.label() + ": the plot could not be drawn: " + e);
    }
  }
}
