package io.cqrssuite.catalog.operations;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.alarm.Alarm;
import io.cqrssuite.alarm.AlarmSink;
import io.cqrssuite.alarm.Severity;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.operations.Reconciler;
import io.cqrssuite.operations.SourceTable;
import io.cqrssuite.reconcile.Difference;
import io.cqrssuite.reconcile.ReconcileTarget;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The scheduled reconcile ({@code {"action": "reconcile"}}): the source table against every read model, in the
 * configured mode, leaving out the differences of changes younger than the settling window (the live sync's to
 * write). Every difference is looked at twice before it counts (the {@link Reconciler} does). When any remains, one
 * alarm goes out through the alarm publisher (de-duplicated like every other alarm of the stack); nothing is
 * written unless {@code SUITE_RECONCILE_HEAL} says so, and then only what remains after the heal is alarmed.
 */
public final class ScheduledReconcile {
  static final String HANDLER = "ScheduledReconcile";
  /** The alarm's error class: what a subscriber filters on, and what de-duplication keys. */
  static final String DIFFERENCES = "ReadModelDifferences";

  private final Supplier<SourceTable> source;
  private final Supplier<List<ReconcileTarget>> targets;
  private final OperationsSettings settings;
  private final AlarmSink alarms;
  private final OperationsMetrics metrics;
  private final StructuredLog log;
  private final ObjectMapper mapper;
  private final Clock clock;

  public ScheduledReconcile(
      Supplier<SourceTable> source,
      Supplier<List<ReconcileTarget>> targets,
      OperationsSettings settings,
      AlarmSink alarms,
      OperationsMetrics metrics,
      StructuredLog log,
      ObjectMapper mapper,
      Clock clock) {
    this.source = source;
    this.targets = targets;
    this.settings = settings;
    this.alarms = alarms;
    this.metrics = metrics;
    this.log = log;
    this.mapper = mapper;
    this.clock = clock;
  }

  /** Runs one reconcile; the answer is the reconcile's JSON summary plus {@code alarmed}. */
  public ObjectNode run() throws Exception {
    SourceTable table = source.get();
    Reconciler.Options options =
        new Reconciler.Options(settings.reconcileMode(), settings.reconcileSegments(), 100, clock.millis(), false, false)
            .settledFor(settings.reconcileYoungerThan(), settings.changedAttribute());
    if (settings.heal()) {
      options = options.healing(false);
    }
    Reconciler.Result result = new Reconciler(table, targets.get(), mapper, clock).run(options, null);
    ObjectNode json = result.json();
    boolean alarmed = result.remaining() > 0;
    if (alarmed) {
      alarms.raise(List.of(alarm(table.table(), result)));
    }
    json.put("alarmed", alarmed);

    Map<String, OperationsMetrics.Value> values = new LinkedHashMap<>();
    values.put("ReconcileEntities", new OperationsMetrics.Value(json.path("sourceEntities").asLong(), "Count"));
    values.put("ReconcileDifferences", new OperationsMetrics.Value(result.remaining(), "Count"));
    values.put("ReconcileYoung", new OperationsMetrics.Value(json.path("young").asLong(), "Count"));
    values.put("ReconcileEntitiesPerSecond", new OperationsMetrics.Value(json.path("entitiesPerSecond").asLong(), "Count/Second"));
    metrics.emit("reconcile", values);
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("source", table.table());
    fields.put("mode", settings.reconcileMode().name().toLowerCase(Locale.ROOT));
    fields.put("entities", json.path("sourceEntities").asLong());
    fields.put("differences", json.path("differences").asLong());
    fields.put("young", json.path("young").asLong());
    fields.put("remaining", result.remaining());
    fields.put("healed", json.path("healed").asLong());
    fields.put("alarmed", alarmed);
    log.info("scheduled reconcile", fields);
    return json;
  }

  /** Counts by read model and kind, and the first entity ids: never the entities' contents. */
  private Alarm alarm(String table, Reconciler.Result result) {
    Map<String, Map<String, Integer>> byTarget = new LinkedHashMap<>();
    for (Difference difference : result.differences()) {
      if (difference.kind().needsHealing()) {
        byTarget.computeIfAbsent(difference.target(), t -> new LinkedHashMap<>())
            .merge(difference.kind().name().toLowerCase(Locale.ROOT), 1, Integer::sum);
      }
    }
    String message = result.remaining() + " difference(s) between " + table + " and its read models remain after a second"
        + " look" + (settings.heal() ? " and a heal" : "") + ": "
        + (byTarget.isEmpty() ? result.json().path("suggestion").asText("counts differ") : byTarget.toString())
        + ". A reconcile with healing puts them right (" + OperationsSettings.RECONCILE_HEAL + "=true, docs/operations.md).";
    List<String> ids = result.differences().stream().filter(d -> d.kind().needsHealing()).map(Difference::id).toList();
    return new Alarm(Severity.ERROR, alarms.source(), HANDLER, DIFFERENCES, message, ids, (int) Math.max(1, result.remaining()));
  }
}
