package io.cqrssuite.operations;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.backfill.VersionedReadModel;
import io.cqrssuite.reconcile.ReconcileTarget;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Fills a new version of a read model beside the one in use and switches to it without downtime:
 *
 * <ol>
 *   <li>{@code create}: the next version, from the read model's current definition (a changed index template);
 *   <li>{@code dualWrite}: opens it as the live sync's second target and waits until every container has noticed
 *       (its discovery interval plus a margin), so from then on every change reaches both versions;
 *   <li>{@code resync}: writes the source table into the new version ({@link Resync}: parallel scan,
 *       version-guarded, resumable from its checkpoints);
 *   <li>{@code tombstones}: carries the tombstones of entities the source removed outright, which no scan can see;
 *   <li>{@code reconcile}: compares the new version with the source and heals it ({@link Reconciler}, full); refuses to
 *       swap while anything remains after a few passes (live writes racing the comparison clear on the next);
 *   <li>{@code swap}: moves readers and the live sync to the new version and closes the second target in one
 *       request; the old version is kept, with its horizon recorded on it, for {@link #rollback}.
 * </ol>
 *
 * <p>Stopped anywhere, a run can be started again: the open version is found and resumed, the resync continues from
 * its checkpoints, and every write is version-guarded. Nothing is swapped unless every step before it succeeded.
 */
public final class ReadModelBackfill {
  /** Items' change times as the suite writes them ({@code 2026-12-01T10:00:00.000Z}): compared as strings. */
  private static final DateTimeFormatter CHANGE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /**
   * @param segments parallel scan segments of the resync and the reconcile
   * @param keepOld how long the replaced version is kept for a rollback
   * @param discoveryMargin added to the read model's discovery interval before copying (clock drift, a batch in flight)
   * @param reconcilePasses full reconcile-and-heal passes before the swap is refused
   * @param changedAttribute the items' change time, for the resync since the swap a rollback needs ({@code updatedAt})
   * @param sinceMargin how far before the swap that resync starts (clock skew between this host and the writers)
   */
  public record Options(
      int segments,
      Duration keepOld,
      Duration discoveryMargin,
      int reconcilePasses,
      String changedAttribute,
      Duration sinceMargin) {
    public Options {
      if (segments < 1 || reconcilePasses < 1) {
        throw new IllegalArgumentException("segments and reconcile passes must be at least 1");
      }
      if (keepOld.isNegative() || discoveryMargin.isNegative() || sinceMargin.isNegative()) {
        throw new IllegalArgumentException("keepOld, discoveryMargin and sinceMargin cannot be negative");
      }
    }

    /** Old version kept 7 days, 5 s margin on discovery, 3 reconcile passes, {@code updatedAt}, 5 min before the swap. */
    public static Options defaults(int segments) {
      return new Options(segments, Duration.ofDays(7), Duration.ofSeconds(5), 3, "updatedAt", Duration.ofMinutes(5));
    }
  }

  private final SourceTable source;
  private final VersionedReadModel model;
  private final ObjectMapper mapper;
  private final Clock clock;

  public ReadModelBackfill(SourceTable source, VersionedReadModel model, ObjectMapper mapper, Clock clock) {
    this.source = source;
    this.model = model;
    this.mapper = mapper;
    this.clock = clock;
  }

  /**
   * Runs (or resumes) a backfill. The JSON result has each step's name, milliseconds and counts, and {@code swapped};
   * when {@code false}, {@code reason} says why and what to do (the new version stays open and dual-written).
   */
  public ObjectNode run(Options options, ResyncCheckpoints checkpoints, Resync.Progress progress) throws Exception {
    ObjectNode json = result();
    ArrayNode steps = (ArrayNode) json.get("steps");

    long t0 = System.nanoTime();
    VersionedReadModel.Versions versions = model.createNext();
    step(steps, "create", t0).put("current", versions.current()).put("next", versions.next())
        .put("resumed", versions.resumed());

    t0 = System.nanoTime();
    model.openSecondTarget(versions);
    Duration wait = discoveryWait(options);
    Thread.sleep(wait.toMillis());
    step(steps, "dualWrite", t0).put("waitedForDiscoveryMillis", wait.toMillis());

    t0 = System.nanoTime();
    ObjectNode resync = resyncInto(versions).run(Resync.Options.full(options.segments()), checkpoints, progress);
    step(steps, "resync", t0).set("result", resync);
    if (!resync.path("complete").asBoolean()) {
      return refused(json, "the resync stopped before the end (" + resync.path("stopped") + "): run the backfill again"
          + " with the same checkpoints; " + versions.next() + " stays open and dual-written meanwhile");
    }
    return finishInto(json, options, versions);
  }

  /**
   * The first steps, for a caller that waits and resyncs itself (the deployed workflow, one invocation a step):
   * creates the next version, or finds the open one, and opens it as the live sync's second target. The caller waits
   * {@link #discoveryWait} before writing into it.
   */
  public VersionedReadModel.Versions open() throws Exception {
    VersionedReadModel.Versions versions = model.createNext();
    model.openSecondTarget(versions);
    return versions;
  }

  /** How long after {@link #open} every container of the live sync writes to both versions. */
  public Duration discoveryWait(Options options) {
    return model.discoveryInterval().plus(options.discoveryMargin());
  }

  /** A resync that writes into the next version only (through the second target), never the one readers use. */
  public Resync resyncInto(VersionedReadModel.Versions versions) {
    return new Resync(source, List.of(model.next(versions)), mapper);
  }

  /**
   * The last steps, once a resync into the next version is complete: tombstones, reconcile with heal, swap. The result
   * is {@link #run}'s without the first three steps; {@code swapped} false with a {@code reason} when differences
   * remain (nothing is swapped; the next version stays open and dual-written).
   */
  public ObjectNode finish(Options options, VersionedReadModel.Versions versions) throws Exception {
    ObjectNode json = result();
    json.putArray("steps");
    return finishInto(json, options, versions);
  }

  private ObjectNode result() {
    ObjectNode json = mapper.createObjectNode();
    json.put("readModel", model.name());
    json.put("source", source.table());
    json.putArray("steps");
    return json;
  }

  private ObjectNode finishInto(ObjectNode json, Options options, VersionedReadModel.Versions versions) throws Exception {
    ArrayNode steps = (ArrayNode) json.get("steps");
    ReconcileTarget next = model.next(versions);
    long t0 = System.nanoTime();
    long carried = model.carryTombstones(versions);
    step(steps, "tombstones", t0).put("carried", carried);

    t0 = System.nanoTime();
    ObjectNode reconcile = step(steps, "reconcile", t0);
    ArrayNode passes = reconcile.putArray("passes");
    long remaining = -1;
    for (int pass = 1; pass <= options.reconcilePasses() && remaining != 0; pass++) {
      Reconciler.Options full =
          new Reconciler.Options(Reconciler.Mode.FULL, options.segments(), 1, 1, false, false).healing(true);
      Reconciler.Result result = new Reconciler(source, List.of(next), mapper, clock).run(full, null);
      remaining = result.remaining();
      passes.add(result.json());
    }
    reconcile.put("millis", millis(t0)).put("remaining", remaining);
    if (remaining != 0) {
      return refused(json, remaining + " difference(s) remain in " + versions.next() + " after "
          + options.reconcilePasses() + " reconcile passes with heal (see steps[reconcile]): not swapping; "
          + versions.next() + " stays open and dual-written, run the backfill again once the cause is fixed");
    }

    t0 = System.nanoTime();
    Instant swappedAt = clock.instant();
    Instant keepUntil = swappedAt.plus(options.keepOld());
    model.swap(versions, swappedAt, keepUntil);
    step(steps, "swap", t0).put("swappedAt", swappedAt.toString()).put("current", versions.next())
        .put("kept", versions.current()).put("keepUntil", keepUntil.toString());
    json.put("swapped", true);
    return json;
  }

  /**
   * Moves readers and the live sync back to the version the last swap replaced, then writes into it again what
   * changed since that swap, which only the version left received: a {@link Resync} since the swap time less
   * {@code sinceMargin}, by the items' {@code changedAttribute}. The version left is kept for {@code keepOld}.
   */
  public ObjectNode rollback(Options options) throws Exception {
    ObjectNode json = mapper.createObjectNode();
    json.put("readModel", model.name());
    ArrayNode steps = json.putArray("steps");
    long t0 = System.nanoTime();
    Instant at = clock.instant();
    Instant keepUntil = at.plus(options.keepOld());
    VersionedReadModel.Rollback rollback = model.rollback(at, keepUntil);
    step(steps, "swapBack", t0).put("from", rollback.from()).put("to", rollback.to())
        .put("swappedAt", rollback.swappedAt().toString()).put("keepUntil", keepUntil.toString());

    t0 = System.nanoTime();
    String since = CHANGE_TIME.format(rollback.swappedAt().minus(options.sinceMargin()));
    ObjectNode resync =
        new Resync(source, List.of(model.current()), mapper)
            .run(
                Resync.Options.since(options.segments(), since, options.changedAttribute()),
                ResyncCheckpoints.none(),
                Resync.Progress.none());
    step(steps, "resyncSinceSwap", t0).set("result", resync);
    json.put("rolledBack", true);
    json.put("complete", resync.path("complete").asBoolean());
    return json;
  }

  /** Deletes the kept versions whose horizon has passed (never one that is read or written). */
  public ObjectNode clean() throws Exception {
    ObjectNode json = mapper.createObjectNode();
    json.put("readModel", model.name());
    long t0 = System.nanoTime();
    List<String> deleted = model.clean(clock.instant());
    deleted.forEach(json.putArray("deleted")::add);
    json.put("millis", millis(t0));
    return json;
  }

  private static ObjectNode step(ArrayNode steps, String name, long t0) {
    return steps.addObject().put("step", name).put("millis", millis(t0));
  }

  private static ObjectNode refused(ObjectNode json, String reason) {
    json.put("swapped", false);
    json.put("reason", reason);
    return json;
  }

  private static long millis(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }
}
