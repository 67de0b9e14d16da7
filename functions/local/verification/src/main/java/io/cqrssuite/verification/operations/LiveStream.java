package io.cqrssuite.verification.operations;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.command.CommandSync;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.operations.SourceTable;
import io.cqrssuite.reconcile.ReconcileTarget;
import io.cqrssuite.sync.SyncOutcome;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A live stream beside an operation (a backfill, a migration): at a fixed rate it writes a product change into the
 * data table and syncs it through the read models' live sync, as the stream would deliver it; an observer searches
 * the read alias for each change and records its lag from the source write to visibility there, the refresh interval
 * included, as a reader meets it. Its products are its own ({@code LIVE-} codes in tenant {@code acme}), created and
 * then updated.
 */
public final class LiveStream implements AutoCloseable {
  private static final DateTimeFormatter CHANGE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final int PRODUCTS = 200;

  /** Lag percentiles in milliseconds over the changes seen, and what went wrong. */
  public record Lag(long p50, long p99, long max, int samples, long writes, int unseen, List<String> failures) {}

  private record Pending(long version, long writtenNanos) {}

  private final DynamoDbClient dynamoDb;
  private final SourceTable source;
  private final List<ReconcileTarget> live;
  private final Function<List<String>, Map<String, Long>> visibleVersions;
  private final Map<String, Long> versions = new ConcurrentHashMap<>();
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final List<Long> lags = Collections.synchronizedList(new ArrayList<>());
  private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
  private final SplittableRandom random = new SplittableRandom(11);
  private final AtomicLong writes = new AtomicLong();
  private final ScheduledExecutorService threads = Executors.newScheduledThreadPool(2, task -> {
    Thread thread = new Thread(task, "live-stream");
    thread.setDaemon(true);
    return thread;
  });

  /**
   * @param live the read models' live sync (their targets' {@code sync})
   * @param visibleVersions the version each id has through the read alias (absent: not visible)
   */
  public LiveStream(DynamoDbClient dynamoDb, SourceTable source, List<ReconcileTarget> live, Function<List<String>, Map<String, Long>> visibleVersions) {
    this.dynamoDb = dynamoDb;
    this.source = source;
    this.live = List.copyOf(live);
    this.visibleVersions = visibleVersions;
  }

  /** Starts writing {@code perSecond} changes a second, and observing. */
  public LiveStream start(int perSecond) {
    threads.scheduleAtFixedRate(this::writeOnce, 0, Math.max(1, 1_000_000 / perSecond), TimeUnit.MICROSECONDS);
    threads.scheduleWithFixedDelay(this::observe, 50, 50, TimeUnit.MILLISECONDS);
    return this;
  }

  private synchronized void writeOnce() {
    try {
      String code = String.format("LIVE-%04d", random.nextInt(PRODUCTS));
      String pk = "PRODUCT#acme";
      long version = versions.merge(code, 1L, Long::sum);
      Instant now = Instant.now();
      ObjectNode image = JsonNodeFactory.instance.objectNode();
      image.put("pk", pk).put("sk", code).put("code", code).put("id", pk + "#" + code).put("tenantCode", "acme")
          .put("name", "live product " + code + " v" + version).put("price", 100L * version).put("category", "kitchen")
          .put("isActive", true).put("version", version).put("isDeleted", false)
          .put("createdAt", CHANGE_TIME.format(now)).put("updatedAt", CHANGE_TIME.format(now));
      long t0 = System.nanoTime();
      dynamoDb.putItem(r -> r.tableName(source.table()).item(CommandSync.dataItem(image)));
      ChangeRecord change = source.read(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(code))).orElseThrow().change();
      for (ReconcileTarget target : live) {
        if (target.accepts(change) && target.sync(List.of(change)).get(0) instanceof SyncOutcome.Failed failed) {
          failures.add(target.name() + " " + change.id() + " v" + version + ": " + failed.error());
        }
      }
      writes.incrementAndGet();
      pending.merge(change.id(), new Pending(version, t0), (old, mine) -> old);
    } catch (Exception e) {
      failures.add(e.toString());
    }
  }

  private void observe() {
    try {
      List<String> ids = new ArrayList<>(pending.keySet());
      if (ids.isEmpty()) {
        return;
      }
      Map<String, Long> visible = visibleVersions.apply(ids);
      long now = System.nanoTime();
      visible.forEach((id, version) -> {
        Pending p = pending.get(id);
        if (p != null && version >= p.version() && pending.remove(id, p)) {
          lags.add((now - p.writtenNanos()) / 1_000_000);
        }
      });
    } catch (RuntimeException e) {
      failures.add("observer: " + e);
    }
  }

  /** Stops writing, waits up to {@code seconds} for what was written to become visible, and gives the lag. */
  public Lag stop(int seconds) throws InterruptedException {
    threads.shutdown();
    threads.awaitTermination(30, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (!pending.isEmpty() && System.nanoTime() < deadline) {
      observe();
      Thread.sleep(50);
    }
    List<Long> sorted = new ArrayList<>(lags);
    Collections.sort(sorted);
    if (sorted.isEmpty()) {
      return new Lag(-1, -1, -1, 0, writes.get(), pending.size(), List.copyOf(failures));
    }
    return new Lag(percentile(sorted, 50), percentile(sorted, 99), sorted.get(sorted.size() - 1), sorted.size(), writes.get(),
        pending.size(), List.copyOf(failures));
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }

  private static long percentile(List<Long> sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }
}
