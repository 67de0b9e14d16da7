package io.cqrssuite.operations;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.reconcile.ReconcileTarget;
import io.cqrssuite.sync.SyncOutcome;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Writes a source table into its read models again: a parallel {@code Scan} over segments, each page streamed in
 * bulk through every read model's own version-guarded sync, so it can run while the live stream keeps writing (a
 * newer version in a read model always stays, an item deleted in the source goes as a tombstone, nothing the scan
 * does not see is ever deleted). Offloaded attributes are resolved by the source's resolver.
 *
 * <p>Incremental: with {@code since}, only items whose {@code changedAttribute} (an ISO-8601 time such as
 * {@code updatedAt}) is at least {@code since}. Without an index on that attribute this is a filtered scan: DynamoDB
 * still reads (and charges for) the whole table; the result says so.
 *
 * <p>Resumable: after each page is written everywhere, its segment's checkpoint moves past it ({@link
 * ResyncCheckpoints}); a run given the same checkpoints continues where the last one stopped. A page whose changes
 * fail (after {@value #ATTEMPTS} tries of the failed ones) stops its segment at the page before it: nothing is
 * skipped, and the next run retries from there.
 *
 * <p>{@link #run} scans every segment at once, in this process; {@link #runSegment} one segment, for a worker that
 * has a time limit and is called again until the segment is done (the deployed resync workflow's Lambda task).
 */
public final class Resync {
  static final int ATTEMPTS = 3;

  /** Where a resync is, for a terminal line or metrics. */
  public interface Progress {
    void update(long entities, int segmentsDone, int segments);

    static Progress none() {
      return (entities, done, segments) -> {};
    }
  }

  /**
   * @param since an ISO-8601 time, or {@code null} for a full resync
   * @param changedAttribute the item attribute {@code since} is compared with ({@code updatedAt})
   */
  public record Options(int segments, String since, String changedAttribute, List<String> partitions) {
    public Options {
      if (segments < 1) {
        throw new IllegalArgumentException("segments must be at least 1, found " + segments);
      }
      if (partitions != null) {
        partitions = List.copyOf(partitions);
        if (since == null || partitions.isEmpty() || partitions.size() != segments) {
          throw new IllegalArgumentException("partitions go with since, one segment each");
        }
      }
    }

    public static Options full(int segments) {
      return new Options(segments, null, null, null);
    }

    public static Options since(int segments, String since, String changedAttribute) {
      return new Options(segments, since, changedAttribute, null);
    }

    /**
     * Only what changed since {@code since}, read through the table's index sorted by {@code changedAttribute}
     * ({@link SourceTable#changeIndex}) with a Query per partition value of that index, one segment each: DynamoDB
     * reads only the changed items. The partition values are the caller's (the index's key cannot be listed without
     * reading it whole).
     */
    public static Options sinceThroughIndex(String since, String changedAttribute, List<String> partitions) {
      return new Options(partitions.size(), since, changedAttribute, partitions);
    }
  }

  private final SourceTable source;
  private final List<ReconcileTarget> targets;
  private final ObjectMapper mapper;

  public Resync(SourceTable source, List<ReconcileTarget> targets, ObjectMapper mapper) {
    this.source = source;
    this.targets = List.copyOf(targets);
    this.mapper = mapper;
  }

  /** Runs (or resumes) the resync; the JSON result names what was written and what is left. */
  public ObjectNode run(Options options, ResyncCheckpoints checkpoints, Progress progress) throws Exception {
    long t0 = System.nanoTime();
    long readBefore = source.itemsRead();
    Tally tally = new Tally();
    ExecutorService threads = Executors.newFixedThreadPool(options.segments(), task -> {
      Thread thread = new Thread(task, "resync-segment");
      thread.setDaemon(true);
      return thread;
    });
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int segment = 0; segment < options.segments(); segment++) {
        int s = segment;
        running.add(threads.submit(() -> {
          segment(s, options, checkpoints, tally, progress, () -> true);
          return null;
        }));
      }
      for (Future<?> segment : running) {
        try {
          segment.get();
        } catch (ExecutionException e) {
          throw e.getCause() instanceof Exception cause ? cause : e;
        }
      }
    } finally {
      threads.shutdownNow();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    ObjectNode json = mapper.createObjectNode();
    json.put("source", source.table());
    json.put("mode", options.since() == null ? "full" : "incremental");
    if (options.since() != null) {
      json.put("since", options.since());
      Optional<SourceTable.ChangeIndex> index = source.changeIndex(options.changedAttribute());
      if (options.partitions() != null) {
        json.put("through", index.map(SourceTable.ChangeIndex::name).orElse(null));
        json.put("cost", "a Query of " + index.map(SourceTable.ChangeIndex::name).orElse("?") + " per partition: DynamoDB reads only the"
            + " items changed since" + (index.map(SourceTable.ChangeIndex::projectsAll).orElse(true) ? "" : ", then each from the table"));
      } else {
        json.put("cost", "a filtered scan on " + options.changedAttribute() + ": DynamoDB reads, and charges for, the whole table"
            + index.map(i -> "; index " + i.name() + " is sorted by " + options.changedAttribute() + ": give its partition values to"
                + " read only what changed").orElse(""));
      }
    }
    json.put("segments", options.segments());
    json.put("segmentsDone", tally.done.get());
    json.put("segmentsResumed", tally.resumed.get());
    json.put("entities", tally.entities.get());
    json.put("written", tally.written.get());
    json.put("unchanged", tally.unchanged.get());
    json.put("failed", tally.failed.get());
    tally.stopped.forEach(json.putArray("stopped")::add);
    json.put("complete", tally.done.get() == options.segments());
    json.put("itemsRead", source.itemsRead() - readBefore);
    json.put("readCapacityUnits", source.consumedCapacity());
    json.put("seconds", Math.round(seconds * 1000) / 1000.0);
    json.put("entitiesPerSecond", Math.round(tally.entities.get() / Math.max(seconds, 1e-9)));
    return json;
  }

  /**
   * What one call of {@link #runSegment} did: {@code entities} is the segment's count so far (its checkpoint's
   * included), {@code scanned} the entities this call took, {@code written}, {@code unchanged} and {@code failed}
   * this call's writes (one per read model that takes an entity); {@code stopped} names a page that
   * could not be written (the segment is then not done, and its checkpoint stays before that page).
   */
  public record SegmentResult(
      int segment,
      boolean done,
      boolean resumed,
      long entities,
      long scanned,
      long written,
      long unchanged,
      long failed,
      String stopped) {}

  /**
   * Runs one segment of {@code options} from its checkpoint until it is done, a page cannot be written, or
   * {@code goOn} answers false: asked after each page, once that page is written everywhere and its checkpoint saved,
   * so a worker with a time limit (a Lambda invocation) stops in time and the next call continues from there.
   */
  public SegmentResult runSegment(int segment, Options options, ResyncCheckpoints checkpoints, BooleanSupplier goOn)
      throws Exception {
    if (segment < 0 || segment >= options.segments()) {
      throw new IllegalArgumentException("segment " + segment + " is not one of 0.." + (options.segments() - 1));
    }
    Tally tally = new Tally();
    segment(segment, options, checkpoints, tally, Progress.none(), goOn);
    return new SegmentResult(
        segment, tally.done.get() == 1, tally.resumed.get() == 1, tally.entities.get(), tally.scanned.get(), tally.written.get(),
        tally.unchanged.get(), tally.failed.get(), tally.stopped.isEmpty() ? null : tally.stopped.get(0));
  }

  /** Counters of a run, shared by its segments' threads. */
  private static final class Tally {
    final AtomicLong entities = new AtomicLong();
    final AtomicLong scanned = new AtomicLong();
    final AtomicLong written = new AtomicLong();
    final AtomicLong unchanged = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicInteger done = new AtomicInteger();
    final AtomicInteger resumed = new AtomicInteger();
    final List<String> stopped = Collections.synchronizedList(new ArrayList<>());
  }

  private void segment(int s, Options options, ResyncCheckpoints checkpoints, Tally tally, Progress progress, BooleanSupplier goOn)
      throws Exception {
    Optional<ResyncCheckpoints.State> state = checkpoints.load(s);
    if (state.isPresent() && state.get().done()) {
      tally.done.incrementAndGet();
      tally.entities.addAndGet(state.get().entities());
      return;
    }
    Map<String, AttributeValue> start = state.map(ResyncCheckpoints.State::next).orElse(null);
    if (start != null) {
      tally.resumed.incrementAndGet();
    }
    long[] segmentEntities = {state.map(ResyncCheckpoints.State::entities).orElse(0L)};
    tally.entities.addAndGet(segmentEntities[0]);
    SourceTable.PageSink pages = (items, next) -> {
      List<ChangeRecord> changes = items.stream().map(SourceTable.SourceItem::change).toList();
      for (ReconcileTarget target : targets) {
        List<ChangeRecord> taken = changes.stream().filter(target::accepts).toList();
        long[] counts = write(target, taken);
        tally.written.addAndGet(counts[0]);
        tally.unchanged.addAndGet(counts[1]);
        if (counts[2] > 0) {
          tally.failed.addAndGet(counts[2]);
          tally.stopped.add("segment " + s + ": " + counts[2] + " change(s) failed in " + target.name());
          throw new SegmentStopped();
        }
      }
      segmentEntities[0] += changes.size();
      tally.entities.addAndGet(changes.size());
      tally.scanned.addAndGet(changes.size());
      checkpoints.save(s, new ResyncCheckpoints.State(next, next == null, segmentEntities[0]));
      if (next == null) {
        tally.done.incrementAndGet();
      }
      progress.update(tally.entities.get(), tally.done.get(), options.segments());
      if (next != null && !goOn.getAsBoolean()) {
        throw new SegmentStopped();
      }
    };
    try {
      if (options.partitions() != null) {
        SourceTable.ChangeIndex index = source.changeIndex(options.changedAttribute()).orElseThrow(() -> new IllegalArgumentException(
            source.table() + " has no global secondary index sorted by " + options.changedAttribute() + " to read partitions of"));
        source.queryChangedPages(index, options.partitions().get(s), start, options.since(), pages);
      } else {
        source.scanPages(s, options.segments(), start, options.changedAttribute(), options.since(), pages);
      }
    } catch (SegmentStopped stopped) {
      // A page that could not be written, or told to stop: the checkpoint says where the next call goes on.
    }
  }

  /** Writes {@code changes}, then again the ones that failed, up to {@link #ATTEMPTS}: {written, unchanged, failed}. */
  private static long[] write(ReconcileTarget target, List<ChangeRecord> changes) throws Exception {
    long writtenCount = 0;
    long unchangedCount = 0;
    List<ChangeRecord> pending = changes;
    for (int attempt = 1; attempt <= ATTEMPTS && !pending.isEmpty(); attempt++) {
      List<SyncOutcome> outcomes = target.sync(pending);
      List<ChangeRecord> again = new ArrayList<>();
      for (int i = 0; i < pending.size(); i++) {
        SyncOutcome outcome = outcomes.get(i);
        if (outcome instanceof SyncOutcome.Failed) {
          again.add(pending.get(i));
        } else if (outcome == SyncOutcome.APPLIED) {
          writtenCount++;
        } else {
          unchangedCount++;
        }
      }
      pending = again;
    }
    return new long[] {writtenCount, unchangedCount, pending.size()};
  }

  /**
   * A segment stopped at a page it could not write (its checkpoint stays before that page), or after a page when told
   * to stop (its checkpoint is past it).
   */
  private static final class SegmentStopped extends Exception {
    SegmentStopped() {
      super(null, null, false, false);
    }
  }
}
