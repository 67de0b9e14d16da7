package io.cqrssuite.operations;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.entity.CodeRule;
import io.cqrssuite.entity.EntityMapping;
import io.cqrssuite.entity.Identity;
import io.cqrssuite.entity.TableMapping;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.reconcile.Comparison;
import io.cqrssuite.reconcile.ContentHash;
import io.cqrssuite.reconcile.Difference;
import io.cqrssuite.reconcile.DifferenceKind;
import io.cqrssuite.reconcile.ReconcileTarget;
import io.cqrssuite.reconcile.SourceEntity;
import io.cqrssuite.reconcile.StoredEntity;
import io.cqrssuite.report.NdjsonReport;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Compares a source table with each of its read models by entity id, version and content hash, reports the
 * differences ({@link DifferenceKind}) and, when asked, heals them through the same version-guarded writes as the
 * live sync.
 *
 * <p>Modes: {@link Mode#COUNTS} compares counts only (live and tombstones on both sides; the source's exact count
 * costs a full read of the table, DynamoDB's own count is free but about six hours old); {@link Mode#SAMPLED} checks
 * the entities of randomly drawn source segments; {@link Mode#FULL} checks every id both ways, orphans included.
 *
 * <p>A difference is reported only after a second look: the source item is read again consistently and the read
 * model's copy again, and only what still differs counts (an entity written while the scan ran is no difference).
 * A read model newer than the source is never one. After a heal, the healed ids are compared once more: {@code healed}
 * is what is gone, {@code remaining} what is not (including orphans left alone without {@code healOrphans}).
 *
 * <p>With a settling window ({@link Options#settledFor}), a difference whose source changed within it is left out
 * after the second look and counted as {@code young}: a scheduled reconcile runs while the stream delivers, and a
 * change seconds old is the sync's to write, not a fault.
 */
public final class Reconciler {
  /** Changes per heal write: the sync's own batching splits them further. */
  private static final int HEAL_BATCH = 500;
  /** Differences named in the JSON result; the report file lists them all. */
  private static final int MAX_LISTED = 20;

  /** What to compare. */
  public enum Mode {
    COUNTS,
    SAMPLED,
    FULL
  }

  /**
   * @param segments parallel scan segments ({@link Mode#FULL}) or segments drawn ({@link Mode#SAMPLED})
   * @param perSegment ids per drawn segment ({@link Mode#SAMPLED})
   */
  public record Options(
      Mode mode,
      int segments,
      int perSegment,
      long seed,
      boolean heal,
      boolean healOrphans,
      Predicate<String> scope,
      Settling settling) {
    /** Every entity in scope. */
    public Options(Mode mode, int segments, int perSegment, long seed, boolean heal, boolean healOrphans) {
      this(mode, segments, perSegment, seed, heal, healOrphans, id -> true);
    }

    /** Every difference counts, however young its change. */
    public Options(
        Mode mode, int segments, int perSegment, long seed, boolean heal, boolean healOrphans, Predicate<String> scope) {
      this(mode, segments, perSegment, seed, heal, healOrphans, scope, null);
    }

    public Options {
      if (segments < 1 || perSegment < 1) {
        throw new IllegalArgumentException("segments and ids per segment must be at least 1");
      }
      if (healOrphans && !heal) {
        throw new IllegalArgumentException("healing orphans is part of a heal: ask for both");
      }
    }

    public static Options full() {
      return new Options(Mode.FULL, 4, 100, 1, false, false);
    }

    public Options healing(boolean orphansToo) {
      return new Options(mode, segments, perSegment, seed, true, orphansToo, scope, settling);
    }

    /**
     * Only the entities whose id {@code scope} takes, on both sides (one tenant's partition, say): a read model shared
     * by several sources is reconciled with each, and what the others wrote is not an orphan of this one.
     */
    public Options within(Predicate<String> scope) {
      return new Options(mode, segments, perSegment, seed, heal, healOrphans, scope, settling);
    }

    /**
     * Leaves out the differences of entities whose source changed less than {@code window} ago, by the ISO-8601 time
     * in their {@code changedAttribute} ({@code updatedAt}): the live sync may not have delivered that change yet. They
     * are counted as {@code young}, never reported, alarmed or healed; an entity without the attribute is settled.
     */
    public Options settledFor(Duration window, String changedAttribute) {
      return new Options(mode, segments, perSegment, seed, heal, healOrphans, scope, new Settling(window, changedAttribute));
    }
  }

  /** How long a source change is left to the live sync before a difference of its entity counts. */
  public record Settling(Duration window, String changedAttribute) {
    public Settling {
      if (window.isNegative()) {
        throw new IllegalArgumentException("a settling window cannot be negative: " + window);
      }
      if (changedAttribute == null || changedAttribute.isBlank()) {
        throw new IllegalArgumentException("a settling window needs the attribute that holds each item's change time");
      }
    }
  }

  private final SourceTable source;
  private final List<ReconcileTarget> targets;
  private final ObjectMapper mapper;
  private final Clock clock;

  public Reconciler(SourceTable source, List<ReconcileTarget> targets, ObjectMapper mapper, Clock clock) {
    this.source = source;
    this.targets = List.copyOf(targets);
    this.mapper = mapper;
    this.clock = clock;
  }

  /** A source entity reduced to what the comparison needs; the image is read again for a heal. */
  private record Summary(
      String id, long version, boolean deleted, Map<String, AttributeValue> key, boolean[] accepted, String[] hashes,
      Instant changedAt) {}

  /** The result, as the JSON line a command prints; {@code report} is the NDJSON file of the differences or null. */
  public record Result(ObjectNode json, List<Difference> differences, long remaining) {}

  /** Runs a reconcile; writes the differences to {@code reportFile} (NDJSON with {@code __meta__}) when not null. */
  public Result run(Options options, Path reportFile) throws Exception {
    Instant started = clock.instant();
    long t0 = System.nanoTime();
    ObjectNode json = mapper.createObjectNode();
    json.put("source", source.table());
    json.put("mode", options.mode().name().toLowerCase(Locale.ROOT));
    if (options.mode() == Mode.COUNTS) {
      counts(json);
      json.put("seconds", seconds(t0));
      json.put("readCapacityUnits", source.consumedCapacity());
      return new Result(json, List.of(), json.path("countsMatch").asBoolean() ? 0 : 1);
    }
    Map<String, Summary> sourceById = new ConcurrentHashMap<>();
    long loadStart = System.nanoTime();
    Predicate<String> scope = options.scope();
    String changed = options.settling() == null ? null : options.settling().changedAttribute();
    if (options.mode() == Mode.FULL) {
      source.scan(options.segments(), item -> {
        if (scope.test(item.change().id())) {
          sourceById.put(item.change().id(), summary(item, changed));
        }
      });
    } else {
      source.sample(options.segments(), options.perSegment(), options.seed(), item -> {
        if (scope.test(item.change().id())) {
          sourceById.put(item.change().id(), summary(item, changed));
        }
      });
    }
    double loadSeconds = seconds(loadStart);
    List<Difference> found = new ArrayList<>();
    long young = 0;
    ArrayNode perTarget = json.putArray("targets");
    long compareStart = System.nanoTime();
    for (int t = 0; t < targets.size(); t++) {
      ReconcileTarget target = targets.get(t);
      List<Difference> candidates =
          options.mode() == Mode.FULL ? compareAll(t, sourceById, scope) : compareSampled(t, sourceById);
      int candidateCount = candidates.size();
      List<Difference> rechecked = recheck(t, candidates, sourceById, changed);
      List<Difference> settled = settled(rechecked, sourceById, options.settling(), started);
      young += rechecked.size() - settled.size();
      List<Difference> confirmed = named(t, settled, sourceById);
      found.addAll(confirmed);
      ObjectNode entry = perTarget.addObject();
      entry.put("target", target.name());
      entry.put("candidates", candidateCount);
      entry.put("clearedOnRecheck", candidateCount - rechecked.size());
      entry.put("young", rechecked.size() - settled.size());
      entry.set("found", byKind(confirmed));
    }
    double compareSeconds = seconds(compareStart);
    long needHealing = found.stream().filter(d -> d.kind().needsHealing()).count();
    long healed = 0;
    long remaining = needHealing;
    if (options.heal() && needHealing > 0) {
      heal(found, options.healOrphans(), sourceById);
      List<Difference> after = new ArrayList<>();
      for (int t = 0; t < targets.size(); t++) {
        String name = targets.get(t).name();
        List<Difference> mine = found.stream().filter(d -> d.target().equals(name) && d.kind().needsHealing()).toList();
        after.addAll(recheck(t, mine, sourceById, changed).stream().filter(d -> d.kind().needsHealing()).toList());
      }
      remaining = after.size();
      healed = needHealing - remaining;
      ArrayNode left = json.putArray("remainingDifferences");
      after.stream().limit(MAX_LISTED).forEach(d ->
          left.addObject().put("target", d.target()).put("kind", d.kind().name().toLowerCase(Locale.ROOT)).put("id", d.id()));
    }
    json.put("sourceEntities", sourceById.size());
    json.put("sourceUnmapped", source.unmapped());
    json.set("found", byKind(found));
    json.put("differences", found.size());
    if (options.settling() != null) {
      json.put("young", young);
      json.put("youngerThan", options.settling().window().toString());
    }
    json.put("healed", healed);
    json.put("remaining", remaining);
    json.put("readCapacityUnits", source.consumedCapacity());
    json.put("loadSeconds", loadSeconds);
    json.put("compareSeconds", compareSeconds);
    json.put("seconds", seconds(t0));
    json.put("entitiesPerSecond", Math.round(sourceById.size() / Math.max(1e-9, seconds(t0))));
    if (options.mode() == Mode.SAMPLED) {
      json.put("orphans", "not checked: a sample reads only source ids");
    }
    if (reportFile != null) {
      json.put("report", write(reportFile, options, started, found, json).file().toString());
    }
    return new Result(json, found, remaining);
  }

  private Summary summary(SourceTable.SourceItem item, String changedAttribute) {
    ChangeRecord change = item.change();
    String[] hashes = new String[targets.size()];
    boolean[] accepted = new boolean[targets.size()];
    for (int t = 0; t < targets.size(); t++) {
      ReconcileTarget target = targets.get(t);
      accepted[t] = target.accepts(change);
      if (accepted[t] && !change.deleted()) {
        hashes[t] = target.contentHash(change);
      }
    }
    return new Summary(change.id(), change.version(), change.deleted(), item.key(), accepted, hashes, changedAt(change, changedAttribute));
  }

  /** The change time the settling window reads, or null when none is asked for or the item has none. */
  private static Instant changedAt(ChangeRecord change, String attribute) {
    if (attribute == null || change.image() == null) {
      return null;
    }
    String value = change.image().path(attribute).asText(null);
    if (value == null) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      // Not a time: the entity cannot be told young, so its differences count.
      return null;
    }
  }

  /** The differences whose source changed before the settling window (all of them without one; orphans always). */
  private static List<Difference> settled(
      List<Difference> differences, Map<String, Summary> sourceById, Settling settling, Instant now) {
    if (settling == null) {
      return differences;
    }
    Instant settledBefore = now.minus(settling.window());
    List<Difference> settled = new ArrayList<>(differences.size());
    for (Difference difference : differences) {
      Summary summary = sourceById.get(difference.id());
      if (summary == null || summary.changedAt() == null || !summary.changedAt().isAfter(settledBefore)) {
        settled.add(difference);
      }
    }
    return settled;
  }

  private static boolean accepted(int t, Summary summary) {
    return summary.accepted()[t];
  }

  private List<Difference> compareAll(int t, Map<String, Summary> sourceById, Predicate<String> scope) throws Exception {
    ReconcileTarget target = targets.get(t);
    List<Difference> differences = new ArrayList<>();
    Map<String, Boolean> seen = new HashMap<>();
    target.scan(stored -> {
      if (!scope.test(stored.id())) {
        return;
      }
      seen.put(stored.id(), Boolean.TRUE);
      Summary summary = sourceById.get(stored.id());
      compare(t, summary, stored).ifPresent(differences::add);
    });
    for (Summary summary : sourceById.values()) {
      if (!seen.containsKey(summary.id()) && accepted(t, summary)) {
        compare(t, summary, null).ifPresent(differences::add);
      }
    }
    return differences;
  }

  private List<Difference> compareSampled(int t, Map<String, Summary> sourceById) throws Exception {
    ReconcileTarget target = targets.get(t);
    List<String> ids = sourceById.values().stream().filter(s -> accepted(t, s)).map(Summary::id).toList();
    Map<String, StoredEntity> stored = target.read(ids);
    List<Difference> differences = new ArrayList<>();
    for (String id : ids) {
      compare(t, sourceById.get(id), stored.get(id)).ifPresent(differences::add);
    }
    return differences;
  }

  private Optional<Difference> compare(int t, Summary summary, StoredEntity stored) {
    SourceEntity entity = summary == null ? null : new SourceEntity(summary.id(), summary.version(), summary.deleted());
    String expected = summary == null ? null : summary.hashes()[t];
    return Comparison.of(entity, stored, expected)
        .map(kind -> new Difference(
            targets.get(t).name(),
            kind,
            summary != null ? summary.id() : stored.id(),
            summary == null ? -1 : summary.version(),
            stored == null ? -1 : stored.version(),
            expected,
            stored == null ? null : stored.contentHash(),
            List.of()));
  }

  /**
   * Reads each candidate again on both sides (the source consistently, by its key) and keeps what still differs. An
   * orphan's source key is unknown to the scan; it is looked up by the key the mapping gives its id, when the mapping
   * can be inverted, else it stays as found.
   */
  private List<Difference> recheck(int t, List<Difference> candidates, Map<String, Summary> sourceById, String changedAttribute)
      throws Exception {
    if (candidates.isEmpty()) {
      return List.of();
    }
    ReconcileTarget target = targets.get(t);
    Map<String, StoredEntity> stored = target.read(candidates.stream().map(Difference::id).toList());
    List<Difference> still = new ArrayList<>();
    for (Difference candidate : candidates) {
      Summary summary = sourceById.get(candidate.id());
      Map<String, AttributeValue> key = summary != null ? summary.key() : keyOf(candidate.id()).orElse(null);
      Summary now = null;
      if (key != null) {
        Optional<SourceTable.SourceItem> fresh = source.read(key);
        now = fresh.map(item -> summary(item, changedAttribute)).orElse(null);
        if (now != null) {
          sourceById.put(now.id(), now);
        } else {
          sourceById.remove(candidate.id());
        }
      } else {
        now = summary;
      }
      compare(t, now, stored.get(candidate.id())).ifPresent(still::add);
    }
    return still;
  }

  /** Each drift with the names of the fields that differ (re-read on both sides; names, never values). */
  private List<Difference> named(int t, List<Difference> differences, Map<String, Summary> sourceById) throws Exception {
    List<String> drifted = differences.stream().filter(d -> d.kind() == DifferenceKind.DRIFTED).map(Difference::id).toList();
    if (drifted.isEmpty()) {
      return differences;
    }
    ReconcileTarget target = targets.get(t);
    Map<String, ObjectNode> stored = target.storedContent(drifted);
    List<Difference> named = new ArrayList<>(differences.size());
    for (Difference difference : differences) {
      ObjectNode storedContent = stored.get(difference.id());
      Optional<ChangeRecord> source = difference.kind() == DifferenceKind.DRIFTED ? current(difference.id(), sourceById) : Optional.empty();
      if (storedContent != null && source.isPresent() && !source.get().deleted()) {
        named.add(difference.naming(ContentHash.differingFields(target.expectedContent(source.get()), storedContent)));
      } else {
        named.add(difference);
      }
    }
    return named;
  }

  /** The source key of an entity id, for mappings whose identity can be turned back into a key. */
  private Optional<Map<String, AttributeValue>> keyOf(String id) {
    TableMapping mapping = source.mapping();
    if (mapping == null || mapping.entities().size() != 1) {
      return Optional.empty();
    }
    EntityMapping entity = mapping.entities().get(0);
    int split = id.lastIndexOf('#');
    if (entity.identity() instanceof Identity.KeyPair pair && split > 0) {
      String partition = id.substring(0, split);
      String code = id.substring(split + 1);
      String sortValue;
      if (pair.rule() instanceof CodeRule.Whole) {
        sortValue = code;
      } else if (pair.rule() instanceof CodeRule.AfterPrefix prefix) {
        sortValue = prefix.prefix() + code;
      } else {
        return Optional.empty();
      }
      return Optional.of(Map.of(pair.partition(), AttributeValue.fromS(partition), pair.code(), AttributeValue.fromS(sortValue)));
    }
    return Optional.empty();
  }


  private void heal(List<Difference> found, boolean orphansToo, Map<String, Summary> sourceById) throws Exception {
    for (int t = 0; t < targets.size(); t++) {
      ReconcileTarget target = targets.get(t);
      List<ChangeRecord> resync = new ArrayList<>();
      for (Difference difference : found) {
        if (!difference.target().equals(target.name())) {
          continue;
        }
        switch (difference.kind()) {
          case LOST, STALE, RESURRECTED -> current(difference.id(), sourceById).ifPresent(resync::add);
          case DRIFTED -> {
            Optional<ChangeRecord> change = current(difference.id(), sourceById);
            if (change.isPresent()) {
              target.rewrite(change.get(), difference.targetVersion());
            }
          }
          case ORPHANED -> {
            if (orphansToo) {
              target.hide(new StoredEntity(difference.id(), difference.targetVersion(), false, difference.targetHash()));
            }
          }
          case ABSENT -> {
            // Left to the tombstone purge.
          }
        }
      }
      // A change the sync fails stays a difference: the second look reports it as remaining.
      for (int start = 0; start < resync.size(); start += HEAL_BATCH) {
        target.sync(resync.subList(start, Math.min(resync.size(), start + HEAL_BATCH)));
      }
    }
  }

  /** The entity as the source holds it now, image included (a consistent read). */
  private Optional<ChangeRecord> current(String id, Map<String, Summary> sourceById) {
    Summary summary = sourceById.get(id);
    if (summary == null) {
      return Optional.empty();
    }
    return source.read(summary.key()).map(SourceTable.SourceItem::change);
  }

  private void counts(ObjectNode json) throws Exception {
    SourceTable.Counts sourceCounts = source.counts();
    ObjectNode sourceJson = json.putObject("sourceCounts");
    sourceJson.put("items", sourceCounts.items());
    sourceJson.put("live", sourceCounts.live());
    sourceJson.put("tombstones", sourceCounts.tombstones());
    sourceJson.put("approximateItems", source.approximateCount());
    sourceJson.put("approximate", "DescribeTable's ItemCount: refreshed about every six hours");
    sourceJson.put("cost", "an exact count reads the whole table: the same read capacity as a full reconcile");
    boolean match = true;
    ArrayNode perTarget = json.putArray("targets");
    for (ReconcileTarget target : targets) {
      ReconcileTarget.Counts counts = target.counts();
      ObjectNode entry = perTarget.addObject();
      entry.put("target", target.name());
      entry.put("live", counts.live());
      entry.put("tombstones", counts.tombstones());
      boolean same = counts.live() == sourceCounts.live();
      entry.put("liveMatches", same);
      match &= same;
    }
    json.put("countsMatch", match);
    if (!match) {
      json.put("suggestion", "live counts differ: run a full reconcile (--mode full), then --heal");
    }
  }

  private ObjectNode byKind(List<Difference> differences) {
    Map<DifferenceKind, Integer> counts = new EnumMap<>(DifferenceKind.class);
    for (DifferenceKind kind : DifferenceKind.values()) {
      counts.put(kind, 0);
    }
    differences.forEach(d -> counts.merge(d.kind(), 1, Integer::sum));
    ObjectNode json = mapper.createObjectNode();
    counts.forEach((kind, count) -> json.put(kind.name().toLowerCase(Locale.ROOT), count));
    return json;
  }

  private NdjsonReport.Written write(Path file, Options options, Instant started, List<Difference> found, ObjectNode summary)
      throws Exception {
    try (NdjsonReport report = NdjsonReport.create(file, mapper)) {
      for (Difference difference : found) {
        ObjectNode line = mapper.createObjectNode();
        line.put("target", difference.target());
        line.put("kind", difference.kind().name().toLowerCase(Locale.ROOT));
        line.put("id", difference.id());
        line.put("sourceVersion", difference.sourceVersion());
        line.put("targetVersion", difference.targetVersion());
        line.put("sourceHash", difference.sourceHash());
        line.put("targetHash", difference.targetHash());
        difference.fields().forEach(line.withArray("fields")::add);
        report.line(line);
      }
      ObjectNode meta = mapper.createObjectNode();
      meta.put("kind", "reconcile");
      meta.put("source", source.table());
      ArrayNode names = meta.putArray("targets");
      targets.forEach(t -> names.add(t.name()));
      meta.put("mode", options.mode().name().toLowerCase(Locale.ROOT));
      meta.put("startedAt", started.toString());
      meta.put("finishedAt", clock.instant().toString());
      meta.set("found", summary.get("found"));
      return report.finish(meta);
    }
  }

  private static double seconds(long since) {
    return Math.round((System.nanoTime() - since) / 1e6) / 1000.0;
  }

}
