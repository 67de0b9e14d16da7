package io.cqrssuite.operations;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.sync.SyncOutcome;
import io.cqrssuite.sync.opensearch.OpenSearchSyncHandler;
import io.cqrssuite.testing.polling.Eventually;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch.core.search.Hit;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The live stream during a backfill: every {@value #EVERY_MILLIS} ms it changes an entity in the source table (one of
 * the fixture's, or a new one), reads the item back as the stream's image and syncs it through the real handler; an
 * observer searches the read alias for what was written and records each live write's lag from the source write to
 * its visibility there (the refresh interval included, as a reader would meet it).
 */
final class LiveWriter {
  private static final long EVERY_MILLIS = 25;
  private static final DateTimeFormatter CHANGE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /** Lag percentiles in milliseconds. */
  record Lag(long p50, long p99, long max, int samples, long writes) {}

  private record Pending(String id, long version, long writtenNanos) {}

  private final OperationsFixture fixture;
  private final OpenSearchSyncHandler live;
  private final OpenSearchClient search;
  private final String readAlias;
  private final Map<Integer, Long> versions = new ConcurrentHashMap<>();
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final List<Long> lags = Collections.synchronizedList(new ArrayList<>());
  private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
  private final Random random = new Random(7);
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
  private final ScheduledExecutorService writes = Executors.newSingleThreadScheduledExecutor();
  private Thread observer;
  private volatile Throwable observerFailure;

  /** The entities the writer never changes (one whose absence from the source a test checks, say). */
  private final Set<Integer> leftAlone;

  LiveWriter(OperationsFixture fixture, OpenSearchSyncHandler live, OpenSearchClient search, String readAlias, Set<Integer> leftAlone) {
    this.leftAlone = Set.copyOf(leftAlone);
    this.fixture = fixture;
    this.live = live;
    this.search = search;
    this.readAlias = readAlias;
  }

  void start() {
    writes.scheduleAtFixedRate(() -> writeOnce(next()), 0, EVERY_MILLIS, TimeUnit.MILLISECONDS);
    observer = new Thread(() -> {
      try {
        Eventually.await("every live write visible through " + readAlias, Duration.ofMinutes(1),
            () -> observe() && stopped.get() && pending.isEmpty());
      } catch (Throwable e) {
        observerFailure = e;
      }
    }, "live-writer-observer");
    observer.start();
  }

  private synchronized int next() {
    int i;
    do {
      i = random.nextInt(OperationsFixture.ENTITIES + 10);
    } while (leftAlone.contains(i));
    return i;
  }

  /** One change to entity {@code i} (a new one past the fixture's), written to the source and synced as the stream would. */
  synchronized void writeOnce(int i) {
    try {
      // The fixture's items are at version 3; a new entity starts at 1. Every tenth write is a (flagged) delete.
      long version = versions.merge(i, i < OperationsFixture.ENTITIES ? 4L : 1L, (old, one) -> old + 1);
      boolean deleted = random.nextInt(10) == 0;
      long t0 = System.nanoTime();
      fixture.put(OperationsFixture.code(i), version, deleted, "live " + version, CHANGE_TIME.format(Instant.now()));
      ChangeRecord change = fixture.source.read(Map.of(
              "pk", AttributeValue.fromS("ITEM#acme"), "sk", AttributeValue.fromS(OperationsFixture.code(i))))
          .orElseThrow().change();
      SyncOutcome outcome = live.sync(List.of(change)).get(0);
      written.incrementAndGet();
      if (outcome instanceof SyncOutcome.Failed failed) {
        failures.add(change.id() + " v" + version + ": " + failed.error());
      } else if (!deleted) {
        pending.put(change.id(), new Pending(change.id(), version, t0));
      } else {
        pending.remove(change.id());
      }
    } catch (RuntimeException e) {
      failures.add(e.toString());
    }
  }

  /** Searches the read alias for the pending ids; records the lag of those visible at their version or newer. */
  private boolean observe() throws Exception {
    List<Pending> waiting = new ArrayList<>(pending.values());
    if (waiting.isEmpty()) {
      return true;
    }
    List<FieldValue> ids = waiting.stream().map(p -> FieldValue.of(p.id())).toList();
    var hits = search.search(s -> s.index(readAlias).size(ids.size())
        .query(q -> q.terms(t -> t.field("id").terms(v -> v.value(ids)))), ObjectNode.class).hits().hits();
    long now = System.nanoTime();
    for (Hit<ObjectNode> hit : hits) {
      Pending p = pending.get(hit.id());
      if (p != null && hit.source() != null && hit.source().path("version").asLong() >= p.version()
          && pending.remove(hit.id(), p)) {
        lags.add((now - p.writtenNanos()) / 1_000_000);
      }
    }
    return true;
  }

  void stop() {
    writes.shutdown();
    try {
      writes.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stopped.set(true);
  }

  /** Waits until every live write is visible, then gives the lag. */
  Lag awaitVisible() throws InterruptedException {
    observer.join();
    if (observerFailure != null) {
      throw new AssertionError("the observer failed: " + observerFailure + "; still waiting for " + pending.values(), observerFailure);
    }
    List<Long> sorted = new ArrayList<>(lags);
    Collections.sort(sorted);
    if (sorted.isEmpty()) {
      return new Lag(-1, -1, -1, 0, written.get());
    }
    return new Lag(percentile(sorted, 50), percentile(sorted, 99), sorted.get(sorted.size() - 1), sorted.size(), written.get());
  }

  List<String> failures() {
    return List.copyOf(failures);
  }

  private static long percentile(List<Long> sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }
}
