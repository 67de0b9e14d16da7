package io.cqrssuite.verification.bench;

import io.cqrssuite.verification.ProgressLine;
import java.io.PrintStream;

/** A bench path's progress line on stderr: commands written so far, and at what rate. */
final class Progress {
  private final ProgressLine line;
  private final String label;
  private final int total;
  private final long started = System.nanoTime();

  Progress(PrintStream out, String label, int total) {
    this.line = ProgressLine.on(out);
    this.label = label;
    this.total = total;
  }

  void done(int count) {
    line.update(() -> String.format("  %s: %,d / %,d commands (%,.0f/s)", label, count, total,
        count / Math.max((System.nanoTime() - started) / 1e9, 1e-9)));
  }

  void finish(double seconds) {
    line.finish(String.format("  %s: %,d commands in %.2f s", label, total, seconds));
  }
}
