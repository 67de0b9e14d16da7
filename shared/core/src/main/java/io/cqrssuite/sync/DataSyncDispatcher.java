package io.cqrssuite.sync;

import io.cqrssuite.bus.BatchEventHandler;
import io.cqrssuite.bus.HandlerOutcome;
import io.cqrssuite.entity.MappingException;
import io.cqrssuite.entity.TableMappings;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.event.DataChangeEvent;
import io.cqrssuite.failure.FailureClassifier;
import io.cqrssuite.failure.FailureKind;
import io.cqrssuite.failure.TransientException;
import io.cqrssuite.logging.CorrelationContext;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.retry.TransientRetry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Runs every {@link DataSyncHandler} over the entity changes of a stream delivery (contract §4):
 *
 * <ol>
 *   <li>each {@link DataChangeEvent} passes the {@link ChangeIntake}, one after the other in stream order: by
 *       default its table's mapping resolves it to a {@link ChangeRecord}; one that cannot be (a key or the version
 *       missing) fails alone, permanently; housekeeping (TTL expiry, a removal the mapping calls housekeeping)
 *       succeeds with nothing to write; a record of a table without a mapping is left to the handlers. A
 *       command-side intake writes the data and history tables here, before any read model is written: first what
 *       it can of the whole delivery at once ({@link ChangeIntake#takeAll}), then the rest record by record;
 *   <li>per handler, only the highest version of each entity in the delivery is kept (at equal versions a delete
 *       wins: a stream REMOVE carries the version of the last upsert), so the target writes each entity once;
 *   <li>the handlers run concurrently, each with its whole batch ({@link DataSyncHandler#sync});
 *   <li>every record gets back the outcome of its entity's write in every handler that took it: an older version
 *       succeeds or fails with the newer one that stood for it, so a failure is reported at the lowest sequence
 *       number concerned and redelivery repeats it.
 * </ol>
 *
 * <p>The targets' threads run inside the caller's {@link CorrelationContext} scope, so their log lines carry the
 * same {@code correlation_id} as the caller's.
 */
@Singleton
public final class DataSyncDispatcher implements BatchEventHandler<DataChangeEvent>, AutoCloseable {
  private final List<DataSyncHandler> handlers;
  private final ExecutorService targets;
  private final StructuredLog log;
  private final TransientRetry retry;
  private final CorrelationContext correlation;
  private final ChangeIntake intake;

  /**
   * The changes a target failed transiently are synced again, and only those, while {@code retry} allows (attempts
   * left, time left in the invocation). The target threads run inside the scope of {@code correlation} current at
   * the caller. Each record is first taken by {@code intake} when one is bound (the command side binds one), else
   * resolved by the function's {@code mappings} ({@link ChangeIntake#mapped}).
   *
   * @param log {@code null} when conflict decisions are not recorded
   */
  @Inject
  public DataSyncDispatcher(
      Set<DataSyncHandler> handlers,
      StructuredLog log,
      TransientRetry retry,
      CorrelationContext correlation,
      TableMappings mappings,
      Optional<ChangeIntake> intake) {
    this(handlers, log, retry, correlation, intake.orElseGet(() -> ChangeIntake.mapped(mappings)));
  }

  private DataSyncDispatcher(
      Set<DataSyncHandler> handlers,
      StructuredLog log,
      TransientRetry retry,
      CorrelationContext correlation,
      ChangeIntake intake) {
    this.intake = intake;
    this.handlers = List.copyOf(handlers);
    this.log = log;
    this.retry = retry;
    this.correlation = correlation;
    // One thread per target: the work is I/O-bound, and targets must not wait on each other.
    this.targets =
        this.handlers.size() <= 1
            ? null
            : Executors.newFixedThreadPool(
                this.handlers.size(),
                r -> {
                  Thread thread = new Thread(r, "data-sync");
                  thread.setDaemon(true);
                  return thread;
                });
  }

  /**
   * A dispatcher built by hand, for tests and tools: without a log (conflict decisions are not recorded), without
   * in-invocation retries, with a correlation context of its own and no table mapped, unless set.
   */
  public static Builder builder(Collection<? extends DataSyncHandler> handlers) {
    return new Builder(handlers);
  }

  /** Builds a {@link DataSyncDispatcher} without Dagger. */
  public static final class Builder {
    private final Set<DataSyncHandler> handlers;
    private StructuredLog log;
    private TransientRetry retry = TransientRetry.none();
    private CorrelationContext correlation = new CorrelationContext();
    private ChangeIntake intake = ChangeIntake.mapped(TableMappings.none());

    private Builder(Collection<? extends DataSyncHandler> handlers) {
      // Insertion order is the targets' order in logs and results.
      this.handlers = new LinkedHashSet<>(handlers);
    }

    public Builder log(StructuredLog log) {
      this.log = log;
      return this;
    }

    public Builder retry(TransientRetry retry) {
      this.retry = Objects.requireNonNull(retry);
      return this;
    }

    public Builder correlation(CorrelationContext correlation) {
      this.correlation = Objects.requireNonNull(correlation);
      return this;
    }

    /** The table mappings records are resolved by (none by default: every record is left to the handlers). */
    public Builder mappings(TableMappings mappings) {
      this.intake = ChangeIntake.mapped(mappings);
      return this;
    }

    /** An intake of its own, instead of {@link #mappings}. */
    public Builder intake(ChangeIntake intake) {
      this.intake = Objects.requireNonNull(intake);
      return this;
    }

    public DataSyncDispatcher build() {
      return new DataSyncDispatcher(handlers, log, retry, correlation, intake);
    }
  }

  @Override
  public Class<DataChangeEvent> eventType() {
    return DataChangeEvent.class;
  }

  @Override
  public String name() {
    return "DataSyncDispatcher";
  }

  @Override
  public List<HandlerOutcome> handleBatch(List<DataChangeEvent> events) {
    HandlerOutcome[] outcomes = new HandlerOutcome[events.size()];
    ChangeRecord[] changes = new ChangeRecord[events.size()];
    List<Map<String, Object>> done = new ArrayList<>(events.size());
    Map<Integer, ChangeIntake.Intake> settled = takeAll(events);
    for (int i = 0; i < events.size(); i++) {
      done.add(Map.of());
      DataChangeEvent event = events.get(i);
      try {
        // The intake's own writes (a command to the data table) get the same in-invocation retries as the targets.
        ChangeIntake.Intake early = settled.get(i);
        ChangeIntake.Intake taken = early != null ? early : retry.call(() -> intake.take(event));
        if (taken.forHandlers()) {
          // Not the read models' record: a null outcome leaves it to the handlers and the unhandled-event policy.
          outcomes[i] = null;
        } else if (taken.change().isEmpty()) {
          outcomes[i] = new HandlerOutcome.Succeeded(name(), taken.done());
        } else {
          changes[i] = taken.change().get();
          done.set(i, taken.done());
        }
      } catch (MappingException e) {
        // Named after the table: the dead letters and the one alarm of a broken table say which mapping failed.
        outcomes[i] = new HandlerOutcome.Failed("TableMapping[" + e.table() + "]", e, FailureKind.PERMANENT);
      } catch (Exception e) {
        outcomes[i] = new HandlerOutcome.Failed(name(), e, FailureClassifier.classify(e));
      }
    }
    List<Map<String, SyncOutcome>> perHandler = syncAll(changes);
    for (int i = 0; i < events.size(); i++) {
      if (changes[i] != null) {
        outcomes[i] = combine(changes[i], perHandler, done.get(i));
      }
    }
    return java.util.Arrays.asList(outcomes);
  }

  /**
   * The records the intake settles for the whole delivery at once; none when it fails, since each record then
   * meets the intake on its own, which reports its failure against that record alone.
   */
  private Map<Integer, ChangeIntake.Intake> takeAll(List<DataChangeEvent> events) {
    try {
      Map<Integer, ChangeIntake.Intake> settled = intake.takeAll(events);
      return settled == null ? Map.of() : settled;
    } catch (RuntimeException e) {
      if (log != null) {
        log.warn("intake could not take the delivery at once; taking its records one by one",
            Map.of("records", events.size(), "error", String.valueOf(e)));
      }
      return Map.of();
    }
  }

  /**
   * Projects one change into every target that takes it, now (a workflow's sync task): the outcome the record of
   * that change would get in a batch, or {@code null} when no target takes it.
   */
  public HandlerOutcome project(ChangeRecord change, Map<String, Object> done) {
    return combine(change, syncAll(new ChangeRecord[] {change}), done);
  }

  /** Each handler's outcome per entity id; a handler that takes none of the changes maps nothing. */
  private List<Map<String, SyncOutcome>> syncAll(ChangeRecord[] changes) {
    List<Map<String, ChangeRecord>> batches = batches(changes);
    List<Map<String, SyncOutcome>> results = run(batches);
    if (log != null) {
      for (int h = 0; h < results.size(); h++) {
        for (Map.Entry<String, SyncOutcome> result : results.get(h).entrySet()) {
          if (result.getValue() instanceof SyncOutcome.Stale stale) {
            // Highest version wins: a late, older change is dropped, and the decision is left on record.
            log.info(
                "conflict: stale change ignored",
                Map.of(
                    "target", handlers.get(h).name(),
                    "id", result.getKey(),
                    "incomingVersion", batches.get(h).get(result.getKey()).version(),
                    "storedVersion", stale.storedVersion()));
          }
        }
      }
    }
    return results;
  }

  /** Per handler, the newest change of each entity it takes. */
  private List<Map<String, ChangeRecord>> batches(ChangeRecord[] changes) {
    List<Map<String, ChangeRecord>> batches = new ArrayList<>(handlers.size());
    for (DataSyncHandler handler : handlers) {
      Map<String, ChangeRecord> newest = new LinkedHashMap<>();
      for (ChangeRecord change : changes) {
        if (change != null && handler.accepts(change)) {
          newest.merge(change.id(), change, DataSyncDispatcher::newer);
        }
      }
      batches.add(newest);
    }
    return batches;
  }

  private List<Map<String, SyncOutcome>> run(List<Map<String, ChangeRecord>> batches) {
    List<Map<String, SyncOutcome>> results = new ArrayList<>(handlers.size());
    if (batches.stream().allMatch(Map::isEmpty)) {
      handlers.forEach(h -> results.add(Map.of()));
      return results;
    }
    if (targets == null) {
      results.add(run(handlers.get(0), batches.get(0)));
      return results;
    }
    List<Future<Map<String, SyncOutcome>>> running = new ArrayList<>(handlers.size());
    for (int h = 0; h < handlers.size(); h++) {
      DataSyncHandler handler = handlers.get(h);
      Map<String, ChangeRecord> batch = batches.get(h);
      running.add(targets.submit(correlation.propagate(retry.deadline().propagate(() -> run(handler, batch)))));
    }
    for (int h = 0; h < handlers.size(); h++) {
      // Each target bounds its own calls by the deadline; this wait is the backstop for one that does not, so the
      // invocation still answers, with that target's changes failed transiently, in the time kept for it.
      long waitMillis = retry.deadline().remaining().toMillis();
      try {
        results.add(running.get(h).get(waitMillis, TimeUnit.MILLISECONDS));
      } catch (TimeoutException e) {
        running.get(h).cancel(true);
        results.add(
            failAll(
                batches.get(h),
                new TransientException(
                    handlers.get(h).name() + " did not finish before the invocation's deadline (" + waitMillis
                        + " ms left when the wait began)")));
      } catch (ExecutionException e) {
        results.add(failAll(batches.get(h), e.getCause()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        results.add(failAll(batches.get(h), e));
      }
    }
    return results;
  }

  /** Syncs the batch, then again the changes that failed transiently, while the retry policy allows. */
  private Map<String, SyncOutcome> run(DataSyncHandler handler, Map<String, ChangeRecord> batch) {
    if (batch.isEmpty()) {
      return Map.of();
    }
    Map<String, SyncOutcome> outcomes = new LinkedHashMap<>();
    List<Map<String, ChangeRecord>> pending = new ArrayList<>(List.of(batch));
    try {
      retry.call(
          () -> {
            Map<String, ChangeRecord> attempt = pending.get(0);
            Map<String, SyncOutcome> round = syncOnce(handler, attempt);
            outcomes.putAll(round);
            Map<String, ChangeRecord> again = new LinkedHashMap<>();
            round.forEach((id, outcome) -> {
              if (outcome instanceof SyncOutcome.Failed f && f.kind() == FailureKind.TRANSIENT) {
                again.put(id, attempt.get(id));
              }
            });
            if (again.isEmpty()) {
              return null;
            }
            pending.set(0, again);
            throw new TransientException(again.size() + " change(s) failed transiently in " + handler.name());
          });
    } catch (Exception e) {
      // Retries are spent or time is short: the outcomes of the last attempt stand, failures included.
    }
    return outcomes;
  }

  private static Map<String, SyncOutcome> syncOnce(DataSyncHandler handler, Map<String, ChangeRecord> batch) {
    List<ChangeRecord> list = new ArrayList<>(batch.values());
    List<SyncOutcome> outcomes;
    try {
      outcomes = handler.sync(list);
      if (outcomes == null || outcomes.size() != list.size()) {
        throw new IllegalStateException(
            handler.name() + " returned " + (outcomes == null ? "null" : outcomes.size()) + " outcomes for " + list.size() + " changes");
      }
    } catch (RuntimeException | StackOverflowError | LinkageError e) {
      return failAll(batch, e);
    }
    Map<String, SyncOutcome> byId = new LinkedHashMap<>();
    for (int i = 0; i < list.size(); i++) {
      SyncOutcome outcome = outcomes.get(i);
      byId.put(list.get(i).id(), outcome == null ? SyncOutcome.APPLIED : outcome);
    }
    return byId;
  }

  private static Map<String, SyncOutcome> failAll(Map<String, ChangeRecord> batch, Throwable error) {
    SyncOutcome failed = SyncOutcome.Failed.of(error);
    Map<String, SyncOutcome> byId = new LinkedHashMap<>();
    batch.keySet().forEach(id -> byId.put(id, failed));
    return byId;
  }

  /** The record's result: failed if any target failed its entity, else what each target did. */
  private HandlerOutcome combine(ChangeRecord change, List<Map<String, SyncOutcome>> perHandler, Map<String, Object> before) {
    Map<String, Object> done = new LinkedHashMap<>(before);
    SyncOutcome.Failed failure = null;
    boolean transientFailure = false;
    for (int h = 0; h < handlers.size(); h++) {
      SyncOutcome outcome = perHandler.get(h).get(change.id());
      if (outcome == null) {
        continue;
      }
      if (outcome instanceof SyncOutcome.Failed f) {
        failure = failure == null ? f : failure;
        transientFailure |= f.kind() == FailureKind.TRANSIENT;
      }
      done.put(handlers.get(h).name(), outcome.getClass().getSimpleName().toUpperCase(java.util.Locale.ROOT));
    }
    if (failure != null) {
      return new HandlerOutcome.Failed(
          name(), failure.error(), transientFailure ? FailureKind.TRANSIENT : FailureKind.PERMANENT);
    }
    if (done.isEmpty()) {
      // Neither the intake nor a target did anything with it: not this handler's, so not acknowledged unseen.
      return null;
    }
    return new HandlerOutcome.Succeeded(name(), done);
  }

  /** The newer of two changes to one entity; at the same version the delete, which must not be lost. */
  static ChangeRecord newer(ChangeRecord a, ChangeRecord b) {
    if (a.version() != b.version()) {
      return a.version() > b.version() ? a : b;
    }
    return b.deleted() ? b : a;
  }

  @Override
  public void close() {
    if (targets != null) {
      targets.shutdownNow();
    }
  }
}
