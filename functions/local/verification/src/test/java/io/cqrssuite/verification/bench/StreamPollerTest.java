package io.cqrssuite.verification.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The poller's arithmetic, with an invocation of a fixed duration so the expected latencies can be worked out by
 * hand (the bench gives it the real handler). Records arrive at 1,000 a second; polls come every 250 ms.
 */
class StreamPollerTest {
  private static final List<ObjectNode> RECORDS =
      IntStream.range(0, 4_000).mapToObj(i -> JsonNodeFactory.instance.objectNode().put("n", i)).toList();

  @Test
  void aFullBatchGoesAtOnceAndARecordWaitsAtMostAPollPlusTheQueueAhead() throws Exception {
    List<Integer> sizes = new ArrayList<>();
    StreamPoller.Latencies latencies =
        new StreamPoller(1_000, 100, 1.0).run(RECORDS, batch -> { sizes.add(batch.size()); return 10_000_000L; });
    // Every poll finds 250 new records: batches of 100, 100, then 50 wait for the next poll to fill up.
    assertThat(sizes).allMatch(size -> size == 100);
    assertThat(latencies.invocations()).isEqualTo(40);
    // The 50 left after a poll's two batches wait for the next poll (up to 300 ms since they arrived), then go first.
    assertThat(latencies.maxMs()).isBetween(300.0, 320.0);
    // When the last record arrives, the last poll's 250 and the 50 left before it wait: nothing piles up.
    assertThat(latencies.backlogAtEnd()).isLessThanOrEqualTo(300);
  }

  @Test
  void aBatchLargerThanAWindowOfArrivalsWaitsForTheWindow() throws Exception {
    List<Integer> sizes = new ArrayList<>();
    StreamPoller.Latencies latencies =
        new StreamPoller(1_000, 10_000, 1.0).run(RECORDS, batch -> { sizes.add(batch.size()); return 50_000_000L; });
    // Lambda sends what it has once the window has passed since the first waiting record was read.
    assertThat(sizes.get(0)).isBetween(1_001, 1_251);
    assertThat(latencies.p99Ms()).isGreaterThan(1_000);
  }

  @Test
  void aSizeThatCannotKeepUpShowsAsABacklogAndGrowingLatency() throws Exception {
    // 10 records per 100 ms: 100 a second against 1,000 arriving.
    StreamPoller.Latencies latencies = new StreamPoller(1_000, 10, 0).run(RECORDS, batch -> 100_000_000L);
    assertThat(latencies.backlogAtEnd()).isGreaterThan(3_000);
    assertThat(latencies.maxMs()).isGreaterThan(30_000);
  }
}
