package io.cqrssuite.verification;

import java.io.Console;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One line of progress for a person watching a run. On a terminal it is redrawn in place ({@code \r}) at most four
 * times a second. In a log (stderr sent to a file or a pipe) a redrawn line would pile every update onto one line,
 * so there each update is a plain line of its own, at most one every five seconds, and the final state always.
 *
 * <p>Which of the two is decided once per JVM: {@code SUITE_PROGRESS=tty|plain} (or the system property {@code
 * suite.progress}) when set, else a terminal when the JVM has one. The JVM can only tell about stdin and stdout,
 * which is why {@code ./suite} sets {@code SUITE_PROGRESS} from whether stderr, where progress goes, is a terminal.
 */
public final class ProgressLine {
  /** How updates are shown. */
  public enum Mode {
    /** Redrawn in place: a person watches a terminal. */
    TTY(Duration.ofMillis(250)),
    /** A line per update, rate-limited: someone reads a log later. */
    PLAIN(Duration.ofSeconds(5));

    private final Duration interval;

    Mode(Duration interval) {
      this.interval = interval;
    }

    /** The shortest time between two updates shown. */
    public Duration interval() {
      return interval;
    }

    /** {@code setting} when it names a mode ({@code tty} or {@code plain}), else what {@code terminal} says. */
    static Mode of(String setting, boolean terminal) {
      if (setting != null) {
        switch (setting.trim().toLowerCase(Locale.ROOT)) {
          case "tty":
            return TTY;
          case "plain":
            return PLAIN;
          default:
            break;
        }
      }
      return terminal ? TTY : PLAIN;
    }
  }

  private final PrintStream out;
  private final Mode mode;
  private final LongSupplier nanoClock;
  private boolean shownOnce;
  private long lastShown;
  /** The width of the line drawn in place, 0 when none is open; shorter text is padded to wipe the longer one. */
  private int openWidth;
  private String lastPrinted;

  ProgressLine(PrintStream out, Mode mode, LongSupplier nanoClock) {
    this.out = out;
    this.mode = mode;
    this.nanoClock = nanoClock;
  }

  /** A progress line on {@code out} in the mode of this JVM. */
  public static ProgressLine on(PrintStream out) {
    return new ProgressLine(out, Detected.MODE, System::nanoTime);
  }

  /** The mode of this JVM, as {@link #on} uses it. */
  public static Mode mode() {
    return Detected.MODE;
  }

  /**
   * Shows the current state when an update is due (the first one always is). {@code text} is asked only then, so it
   * may cost something (a read of a progress table); when it answers {@code null} nothing is shown and the next call
   * tries again.
   */
  public synchronized void update(Supplier<String> text) {
    long now = nanoClock.getAsLong();
    if (shownOnce && now - lastShown < mode.interval().toNanos()) {
      return;
    }
    String line = text.get();
    if (line == null) {
      return;
    }
    shownOnce = true;
    lastShown = now;
    show(line);
  }

  /** Shows the final state, whenever the last update was, and ends the line. */
  public synchronized void finish(String text) {
    if (mode == Mode.TTY) {
      show(text);
      out.println();
      openWidth = 0;
    } else if (!text.equals(lastPrinted)) {
      show(text);
    }
    lastPrinted = null;
    shownOnce = false;
  }

  /** A message of its own between updates (a warning): on a terminal the line being redrawn is ended first. */
  public synchronized void note(String text) {
    end();
    out.println(text);
    lastPrinted = null;
  }

  /** Ends the line without a final state, for a run that stops early. */
  public synchronized void end() {
    if (openWidth > 0) {
      out.println();
      openWidth = 0;
    }
  }

  private void show(String text) {
    if (mode == Mode.TTY) {
      out.print("\r" + text + " ".repeat(Math.max(0, openWidth - text.length())));
      out.flush();
      openWidth = Math.max(1, text.length());
    } else {
      out.println(text);
      lastPrinted = text;
    }
  }

  /** Decided once, on first use: where progress goes does not change while the JVM runs. */
  private static final class Detected {
    static final Mode MODE =
        Mode.of(System.getProperty("suite.progress", System.getenv("SUITE_PROGRESS")), consoleIsTerminal());

    private static boolean consoleIsTerminal() {
      Console console = System.console();
      if (console == null) {
        return false;
      }
      try {
        // From Java 22 a console may exist with no terminal behind it; Console.isTerminal() tells, where it exists.
        return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
      } catch (ReflectiveOperationException e) {
        return true;
      }
    }
  }
}
