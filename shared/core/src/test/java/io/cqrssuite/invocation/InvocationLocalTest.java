package io.cqrssuite.invocation;

import static org.assertj.core.api.Assertions.assertThat;

import io.cqrssuite.retry.InvocationDeadline;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InvocationLocalTest {
  @Test
  void eachThreadReadsItsOwnInvocationAndAHelperThreadOnlyTheSoleRunningOne() throws Exception {
    InvocationLocal<String> request = new InvocationLocal<>();
    request.begin("a");
    // A helper thread of the only running invocation (a heartbeat timer) still reads it.
    assertThat(CompletableFuture.supplyAsync(request::get).get(5, TimeUnit.SECONDS)).isEqualTo("a");

    CountDownLatch begun = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    CompletableFuture<String> other = CompletableFuture.supplyAsync(() -> {
      request.begin("b");
      begun.countDown();
      try {
        done.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      String seen = request.get();
      request.end();
      return seen;
    });
    begun.await(5, TimeUnit.SECONDS);
    assertThat(request.get()).isEqualTo("a");
    // Two running: a thread that began none reads nothing rather than a neighbour's value.
    assertThat(CompletableFuture.supplyAsync(request::get).get(5, TimeUnit.SECONDS)).isNull();
    done.countDown();
    assertThat(other.get(5, TimeUnit.SECONDS)).isEqualTo("b");
    request.end();
    assertThat(request.get()).isNull();
  }

  @Test
  void concurrentInvocationsKeepTheirOwnDeadlines() throws Exception {
    Instant now = Instant.parse("2026-12-05T12:00:00Z");
    InvocationDeadline deadline = new InvocationDeadline(Clock.fixed(now, ZoneOffset.UTC), Duration.ofSeconds(2));
    deadline.begin(60_000);
    Duration other = CompletableFuture.supplyAsync(() -> {
      deadline.begin(10_000);
      Duration left = deadline.remaining();
      deadline.end();
      return left;
    }).get(5, TimeUnit.SECONDS);
    assertThat(other).isEqualTo(Duration.ofSeconds(8));
    assertThat(deadline.remaining())
        .as("not the other invocation's deadline; a tenth of 60 s is kept to answer")
        .isEqualTo(Duration.ofSeconds(54));
    deadline.end();
    assertThat(deadline.remaining()).as("no invocation: unbounded").isEqualTo(Duration.ofDays(1));
  }
}
