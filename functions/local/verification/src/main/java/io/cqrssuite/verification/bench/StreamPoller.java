package io.cqrssuite.verification.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;

/**
 * Per-record sync latency under a stated arrival rate, the way Lambda's DynamoDB stream poller delivers one shard:
 * records arrive at {@code arrivalPerSecond}; the poller reads the shard {@value #POLLS_PER_SECOND} times a second
 * and while an invocation runs it waits (one invocation at a time per shard with {@code ParallelizationFactor: 1});
 * it invokes the function as soon as {@code batchSize} records are waiting, or when the batching window has passed
 * since the oldest waiting record was read, with what is there. Latency is synced minus arrival.
 *
 * <p>The clock is virtual and advanced by the real, measured duration of each invocation against the real engines:
 * the waits (arrival, polling, the window) cost no wall time, the work is never assumed. A size that cannot keep
 * up with the arrival rate shows as a backlog: its latencies grow through the run.
 */
final class StreamPoller {
  static final int POLLS_PER_SECOND = 4;
  private static final double POLL_INTERVAL = 1.0 / POLLS_PER_SECOND;

  /** One invocation of the function with {@code batch}; returns the nanoseconds it took. */
  @FunctionalInterface
  interface Function {
    long invoke(List<ObjectNode> batch) throws Exception;
  }

  /** What the run measured, in milliseconds; {@code backlogAtEnd} is how many records waited when the last arrived. */
  record Latencies(double p50Ms, double p99Ms, double maxMs, int invocations, int backlogAtEnd) {}

  private final double arrivalPerSecond;
  private final int batchSize;
  private final double windowSeconds;

  StreamPoller(double arrivalPerSecond, int batchSize, double windowSeconds) {
    if (arrivalPerSecond <= 0 || batchSize < 1 || windowSeconds < 0) {
      throw new IllegalArgumentException("arrival rate and batch size must be positive, the window not negative");
    }
    this.arrivalPerSecond = arrivalPerSecond;
    this.batchSize = batchSize;
    this.windowSeconds = windowSeconds;
  }

  Latencies run(List<ObjectNode> records, Function function) throws Exception {
    int n = records.size();
    double[] latencies = new double[n];
    double now = 0;
    int next = 0;
    int invocations = 0;
    int backlogAtEnd = -1;
    while (next < n) {
      // What the last poll (at or before now) has read: every record that had arrived by then.
      double lastPoll = Math.floor(now / POLL_INTERVAL) * POLL_INTERVAL;
      int visible = Math.min(n, (int) Math.floor(lastPoll * arrivalPerSecond + 1e-9) + 1);
      int waiting = visible - next;
      if (backlogAtEnd < 0 && arrival(n - 1) <= now) {
        backlogAtEnd = n - next;
      }
      double firstRead = waiting > 0 ? readAt(next) : Double.MAX_VALUE;
      if (waiting >= batchSize || (waiting > 0 && now >= firstRead + windowSeconds)) {
        int end = next + Math.min(waiting, batchSize);
        now += function.invoke(records.subList(next, end)) / 1e9;
        invocations++;
        for (int i = next; i < end; i++) {
          latencies[i] = (now - arrival(i)) * 1000;
        }
        next = end;
        continue;
      }
      // Nothing to send yet: on to the next poll, or to the end of the window if that comes first.
      double nextPoll = lastPoll + POLL_INTERVAL;
      now = waiting > 0 ? Math.min(nextPoll, Math.max(now, firstRead + windowSeconds)) : nextPoll;
    }
    Arrays.sort(latencies);
    return new Latencies(
        percentile(latencies, 50), percentile(latencies, 99), latencies[n - 1], invocations, Math.max(0, backlogAtEnd));
  }

  private double arrival(int index) {
    return index / arrivalPerSecond;
  }

  /** The poll that first reads the record. */
  private double readAt(int index) {
    return Math.ceil(arrival(index) / POLL_INTERVAL - 1e-9) * POLL_INTERVAL;
  }

  private static double percentile(double[] sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return Math.round(sorted[Math.max(0, index)] * 10) / 10.0;
  }
}
