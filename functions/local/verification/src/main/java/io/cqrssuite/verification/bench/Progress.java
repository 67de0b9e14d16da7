package io.cqrssuite.verification.bench;

import java.io.PrintStream;

/** One progress line on stderr, rewritten in place at most four times a second. */
final class Progress {
  private final PrintStream out;
  private final String label;
  private final int total;
  private final long started = System.nanoTime();
  private long shown;

  Progress(PrintStream out, String label, int total) {
    this.out = out;
    this.label = label;
    this.total = total;
  }

  void done(int count) {
    long now = System.nanoTime();
    if (now - shown > 250_000_000L) {
      shown = now;
      double seconds = Math.max((now - started) / 1e9, 1e-9);
      out.printf("\r  %s: %,d / %,d commands (%,.0f/s)   ", label, count, total, count / seconds);
    }
  }

  void finish(double seconds) {
    out.printf("\r  %s: %,d commands in %.2f s%30s%n", label, total, seconds, "");
  }
}
