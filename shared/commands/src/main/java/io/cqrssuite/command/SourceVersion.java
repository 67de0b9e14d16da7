package io.cqrssuite.command;

import java.time.Instant;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where in time a command's content comes from, for sources that carry no version of their own (contract §1): a CSV
 * row's is its S3 object's event time in milliseconds, then the notification's {@code sequencer} (which S3 orders for
 * one key), then the row's line; a command written through the API gets its write time. The command side skips a
 * sourced command whose entity already holds a source version newer or equal ({@link PublishResult#superseded()}),
 * so an old file, or a retried chunk of one, never overwrites what a newer file or a later API edit wrote.
 *
 * <p>Stored on each command as the attribute {@value #ATTRIBUTE}, text that sorts as the versions do:
 * {@code <millis, 15 digits>.<sequencer, hex, left-padded to 32>.<position, 10 digits>}.
 *
 * @param sequencer upper-case hex without leading zeros, empty when none (an API write, a notification without one)
 * @param position the row's line in its file, 0 for a write through the API
 */
public record SourceVersion(long epochMillis, String sequencer, long position) implements Comparable<SourceVersion> {
  /** The command attribute that holds it. */
  public static final String ATTRIBUTE = "sourceVersion";

  private static final int SEQUENCER_WIDTH = 32;
  private static final Pattern HEX = Pattern.compile("[0-9A-F]*");
  private static final Pattern TEXT = Pattern.compile("(\\d{15})\\.([0-9A-F]{" + SEQUENCER_WIDTH + ",})\\.(\\d{10})");

  public SourceVersion {
    if (epochMillis < 0 || position < 0) {
      throw new IllegalArgumentException("a source version's time and position are not negative: " + epochMillis + ", " + position);
    }
    sequencer = sequencer == null ? "" : sequencer.toUpperCase(Locale.ROOT).replaceFirst("^0+", "");
    if (!HEX.matcher(sequencer).matches()) {
      throw new IllegalArgumentException("an S3 sequencer is hexadecimal, found '" + sequencer + "'");
    }
  }

  /** An S3 object's notification: its event time and sequencer; rows add their line with {@link #at}. */
  public static SourceVersion ofObject(Instant eventTime, String sequencer) {
    return new SourceVersion(eventTime.toEpochMilli(), sequencer, 0);
  }

  /** A write through the API, at {@code now}. */
  public static SourceVersion ofWrite(Instant now) {
    return new SourceVersion(now.toEpochMilli(), "", 0);
  }

  /** The same source, at {@code position} (a row's line). */
  public SourceVersion at(long position) {
    return new SourceVersion(epochMillis, sequencer, position);
  }

  /** The stored text; {@link #parse} reads it back. */
  public String text() {
    return String.format(Locale.ROOT, "%015d.%s.%010d", epochMillis, "0".repeat(Math.max(0, SEQUENCER_WIDTH - sequencer.length())) + sequencer, position);
  }

  /** A stored text, or {@code null} for {@code null} (a command written before source versions existed). */
  public static SourceVersion parse(String text) {
    if (text == null) {
      return null;
    }
    Matcher m = TEXT.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a source version: '" + text + "'");
    }
    return new SourceVersion(Long.parseLong(m.group(1)), m.group(2), Long.parseLong(m.group(3)));
  }

  /** Time first; then the sequencer as S3 says to compare them (the shorter padded with leading zeros); then position. */
  @Override
  public int compareTo(SourceVersion other) {
    int byTime = Long.compare(epochMillis, other.epochMillis);
    if (byTime != 0) {
      return byTime;
    }
    // Without leading zeros, a longer hex number is the larger one; equal lengths compare as text.
    int byLength = Integer.compare(sequencer.length(), other.sequencer.length());
    int bySequencer = byLength != 0 ? byLength : sequencer.compareTo(other.sequencer);
    return bySequencer != 0 ? bySequencer : Long.compare(position, other.position);
  }

  @Override
  public String toString() {
    return text();
  }
}
