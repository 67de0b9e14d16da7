package io.cqrssuite.verification;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Both ways of showing progress, on a captured stream with a clock the test moves. */
class ProgressLineTest {
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private final PrintStream stream = new PrintStream(captured, true, StandardCharsets.UTF_8);
  private long now = 1_000_000_000L;

  private ProgressLine line(ProgressLine.Mode mode) {
    return new ProgressLine(stream, mode, () -> now);
  }

  private void advance(Duration by) {
    now += by.toNanos();
  }

  private String shown() {
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void inALogEachUpdateIsALineOfItsOwnAtMostOneEveryFiveSecondsAndTheFinalStateAlways() {
    ProgressLine line = line(ProgressLine.Mode.PLAIN);
    for (int i = 1; i <= 100; i++) {
      int done = i;
      line.update(() -> "  synced " + done + " / 100");
      advance(Duration.ofMillis(120));
    }
    line.finish("  synced 100 / 100");

    assertThat(shown()).doesNotContain("\r");
    // 100 updates over 12 s: the first, one at 5 s, one at 10 s, then the final state.
    assertThat(shown().lines()).containsExactly("  synced 1 / 100", "  synced 43 / 100", "  synced 85 / 100", "  synced 100 / 100");
  }

  @Test
  void inALogTheFinalStateIsNotRepeatedWhenTheLastUpdateShowedIt() {
    ProgressLine line = line(ProgressLine.Mode.PLAIN);
    line.update(() -> "  import: 4 / 4 chunks done");
    line.finish("  import: 4 / 4 chunks done");

    assertThat(shown().lines()).containsExactly("  import: 4 / 4 chunks done");
  }

  @Test
  void onATerminalTheLineIsRedrawnInPlaceAtMostFourTimesASecondAndEndedOnce() {
    ProgressLine line = line(ProgressLine.Mode.TTY);
    line.update(() -> "  pass 1: 10 invocations");
    advance(Duration.ofMillis(100));
    line.update(() -> "  pass 1: 11 invocations");
    advance(Duration.ofMillis(200));
    line.update(() -> "  pass 1: 12 invocations");
    line.finish("  pass 1: 13 invocations");

    assertThat(shown()).isEqualTo("\r  pass 1: 10 invocations\r  pass 1: 12 invocations\r  pass 1: 13 invocations" + System.lineSeparator());
  }

  @Test
  void onATerminalAShorterStateWipesWhatTheLongerOneLeft() {
    ProgressLine line = line(ProgressLine.Mode.TTY);
    line.update(() -> "  bench: 1,000 / 2,000 commands (12,345/s)");
    line.finish("  bench: done");

    String last = shown().substring(shown().lastIndexOf('\r') + 1).stripTrailing();
    assertThat(last).isEqualTo("  bench: done");
    assertThat(shown().substring(shown().lastIndexOf('\r') + 1).replace(System.lineSeparator(), ""))
        .hasSize("  bench: 1,000 / 2,000 commands (12,345/s)".length());
  }

  @Test
  void aNoteEndsTheRedrawnLineFirstSoItStandsOnALineOfItsOwn() {
    ProgressLine line = line(ProgressLine.Mode.TTY);
    line.update(() -> "  synced 100 / 200");
    line.note("gave up on 3 records");
    advance(Duration.ofSeconds(1));
    line.update(() -> "  synced 200 / 200");

    assertThat(shown()).isEqualTo("\r  synced 100 / 200" + System.lineSeparator() + "gave up on 3 records" + System.lineSeparator()
        + "\r  synced 200 / 200");
  }

  @Test
  void theStateIsAskedForOnlyWhenAnUpdateIsDueAndNothingIsShownWhenThereIsNone() {
    ProgressLine line = line(ProgressLine.Mode.PLAIN);
    AtomicInteger asked = new AtomicInteger();
    line.update(() -> {
      asked.incrementAndGet();
      return null;
    });
    line.update(() -> {
      asked.incrementAndGet();
      return "  import: 0 / 4 chunks done";
    });
    line.update(() -> {
      asked.incrementAndGet();
      return "  import: 1 / 4 chunks done";
    });

    assertThat(asked).as("a state that was not there yet does not count as shown").hasValue(2);
    assertThat(shown().lines()).containsExactly("  import: 0 / 4 chunks done");
  }

  @Test
  void endingWithoutAFinalStateClosesAnOpenTerminalLineAndAddsNothingToALog() {
    ProgressLine terminal = line(ProgressLine.Mode.TTY);
    terminal.update(() -> "  import: 1 / 4 chunks done");
    terminal.end();
    terminal.end();
    assertThat(shown()).isEqualTo("\r  import: 1 / 4 chunks done" + System.lineSeparator());

    captured.reset();
    ProgressLine log = line(ProgressLine.Mode.PLAIN);
    log.update(() -> "  import: 1 / 4 chunks done");
    log.end();
    assertThat(shown()).isEqualTo("  import: 1 / 4 chunks done" + System.lineSeparator());
  }

  @Test
  void theSettingChoosesTheModeAndOtherwiseTheTerminalDoes() {
    assertThat(ProgressLine.Mode.of("plain", true)).isEqualTo(ProgressLine.Mode.PLAIN);
    assertThat(ProgressLine.Mode.of(" TTY ", false)).isEqualTo(ProgressLine.Mode.TTY);
    assertThat(ProgressLine.Mode.of(null, true)).isEqualTo(ProgressLine.Mode.TTY);
    assertThat(ProgressLine.Mode.of(null, false)).isEqualTo(ProgressLine.Mode.PLAIN);
    assertThat(ProgressLine.Mode.of("auto", false)).isEqualTo(ProgressLine.Mode.PLAIN);
  }
}
