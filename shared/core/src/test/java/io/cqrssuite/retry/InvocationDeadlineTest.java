package io.cqrssuite.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The margin kept to answer is at least 2 s or a tenth of the remaining time, and calls are bounded by what is left. */
class InvocationDeadlineTest {
  private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");

  private static InvocationDeadline deadline(Duration configured) {
    return new InvocationDeadline(Clock.fixed(NOW, ZoneOffset.UTC), configured);
  }

  @Test
  void theMarginIsTheLargestOfTheConfiguredOneTwoSecondsAndATenth() {
    InvocationDeadline none = deadline(Duration.ZERO);
    none.begin(10_000);
    assertThat(none.remaining()).as("2 s at least, even when 0 is configured").isEqualTo(Duration.ofSeconds(8));
    none.end();

    InvocationDeadline configured = deadline(Duration.ofSeconds(3));
    configured.begin(10_000);
    assertThat(configured.remaining()).isEqualTo(Duration.ofSeconds(7));
    configured.end();

    configured.begin(900_000);
    assertThat(configured.remaining()).as("a tenth of 15 minutes").isEqualTo(Duration.ofSeconds(810));
    configured.end();
  }

  @Test
  void aCallGetsTheTimeLeftCappedAndFloored() {
    InvocationDeadline deadline = deadline(Duration.ofSeconds(3));
    assertThat(deadline.bounded()).isFalse();
    deadline.begin(10_000);
    assertThat(deadline.bounded()).isTrue();
    assertThat(deadline.callTimeout(Duration.ofSeconds(30), Duration.ofMillis(100))).isEqualTo(Duration.ofSeconds(7));
    assertThat(deadline.callTimeout(Duration.ofSeconds(5), Duration.ofMillis(100))).isEqualTo(Duration.ofSeconds(5));
    deadline.end();
    deadline.begin(1_000);
    assertThat(deadline.callTimeout(Duration.ofSeconds(30), Duration.ofMillis(100)))
        .as("past the deadline: the floor, not zero").isEqualTo(Duration.ofMillis(100));
    deadline.end();
  }

  @Test
  void aWorkerRunsUnderTheDeadlineOfTheInvocationThatHandedItTheTask() throws Exception {
    InvocationDeadline deadline = deadline(Duration.ofSeconds(3));
    deadline.begin(20_000);
    var task = deadline.propagate(deadline::remaining);
    deadline.end();
    // Another invocation runs too, so a thread without its own deadline would see none.
    deadline.begin(50_000);
    var other = CompletableFuture.runAsync(() -> deadline.begin(40_000));
    other.get(5, TimeUnit.SECONDS);
    assertThat(CompletableFuture.supplyAsync(() -> {
          try {
            return task.call();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }).get(5, TimeUnit.SECONDS))
        .isEqualTo(Duration.ofSeconds(17));
    deadline.end();
  }
}
