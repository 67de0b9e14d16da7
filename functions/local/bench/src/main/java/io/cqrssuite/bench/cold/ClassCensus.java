package io.cqrssuite.bench.cold;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The classes one cold start loaded, counted from the child's {@code -Xlog:class+load} log (decorated with epoch
 * milliseconds) and split at the probe's timestamps: those loaded up to the handler's construction ({@code atInit})
 * and those loaded by the first event ({@code atFirstEvent}). {@code fromArchive} is how many of both came out of a
 * class data sharing archive (the JDK's own, or the bench's with {@code --cds}) rather than being parsed from a jar.
 * Taken in one extra launch per case, never in a timed one: the log itself costs time.
 */
public record ClassCensus(int atInit, int atFirstEvent, int fromArchive) {
  /** The {@code -Xlog} option that writes the log {@link #read} reads. */
  static String logOption(Path log) {
    return "-Xlog:class+load=info:file=" + log.toAbsolutePath() + ":timemillis";
  }

  static ClassCensus read(Path log, long constructedMicros, long returnedMicros) throws IOException {
    List<String> lines = Files.readAllLines(log);
    int init = 0;
    int firstEvent = 0;
    int archived = 0;
    for (String line : lines) {
      // [1733425000123ms] java.lang.Object source: shared objects file
      int close = line.indexOf("ms]");
      if (!line.startsWith("[") || close < 0) {
        continue;
      }
      long millis = Long.parseLong(line.substring(1, close));
      if (millis * 1000 <= constructedMicros) {
        init++;
      } else if (millis * 1000 <= returnedMicros + 999) {
        firstEvent++;
      } else {
        continue;
      }
      if (line.contains("source: shared objects file")) {
        archived++;
      }
    }
    if (init == 0) {
      throw new IllegalStateException(log + " names no loaded class: is -Xlog:class+load supported by this JVM?");
    }
    return new ClassCensus(init, firstEvent, archived);
  }
}
