package io.cqrssuite.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.cli.Arguments.UsageException;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.operations.Reconciler;
import io.cqrssuite.verification.operations.CatalogOperations;
import io.cqrssuite.verification.operations.SourceLoad;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./suite reconcile}: compares the catalog's source table with its read models (operations' {@link Reconciler})
 * and, when told, heals what differs through the version-guarded sync. On the embedded default it first generates a
 * source and resyncs it into fresh engines, timing each step apart, so it doubles as the reconcile benchmark.
 */
final class ReconcileCommand implements Command {
  private static final ObjectMapper JSON = EventJson.newMapper();

  @Override
  public String name() {
    return "reconcile";
  }

  @Override
  public List<Usage> usage() {
    return List.of(
        Usage.of(
            "reconcile [--mode full|sampled|counts] [--segments N] [--per-segment N] [--heal [--heal-orphans]] [--apply]"
                + " [--report FILE] [--table NAME] [--target rds|opensearch] [--entities N] [--seed N]",
            "Compare the catalog's data table with its read models by id, version and a hash of the mapped fields:",
            "lost, stale, drifted, resurrected, orphaned, absent; each difference re-read with a consistent read",
            "before it counts. full: every id; sampled: N (--per-segment, default 100) random ids per segment;",
            "counts: item and tombstone counts on both sides and the read cost. --heal re-syncs what differs",
            "(drift rewritten at its version), orphans only with --heal-orphans; healed/remaining come from a",
            "second look. --report FILE: the differences as NDJSON with a __meta__ line and FILE.sha256.",
            "Places (docs/operations.md): by default, embedded engines with a generated catalog (--entities, default",
            "10,000), loaded and resynced first, each step timed; else the source table of SUITE_COMMAND_TABLE and the",
            "read models of SUITE_RDS_URL / SUITE_OPENSEARCH_ENDPOINT from your shell, never mixed with embedded",
            "ones; there --heal runs dry unless --apply. Last line: one JSON object; exit 1 when remaining > 0."));
  }

  @Override
  public int run(Arguments arguments, Shell shell) throws Exception {
    OperationOptions shared = new OperationOptions();
    Reconciler.Mode mode = Reconciler.Mode.FULL;
    int perSegment = 100;
    boolean heal = false;
    boolean healOrphans = false;
    Path report = null;
    while (arguments.hasNext()) {
      String word = arguments.next();
      if (shared.take(word, arguments)) {
        continue;
      }
      switch (word) {
        case "--mode" -> mode = mode(arguments.value("--mode"));
        case "--per-segment" -> perSegment = arguments.positiveInt("--per-segment");
        case "--heal" -> heal = true;
        case "--heal-orphans" -> healOrphans = true;
        case "--report" -> report = Path.of(arguments.value("--report"));
        default -> throw new UsageException("unknown option '" + word + "' for reconcile; see ./suite reconcile --help");
      }
    }
    if (healOrphans && !heal) {
      throw new UsageException("--heal-orphans widens --heal: give both");
    }
    if (heal && mode == Reconciler.Mode.COUNTS) {
      throw new UsageException("counts name no entity to heal: use --mode full or sampled with --heal");
    }
    try (OperationPlaces places = OperationPlaces.open(shell, "reconcile")) {
      shared.checkFor(places);
      ObjectNode line = JSON.createObjectNode();
      line.put("places", places.describe());
      SourceLoad.Loaded loaded = null;
      if (places.embedded()) {
        loaded = places.load(shared.entities, shared.seed, shell);
        line.set("load", OperationSteps.loaded(JSON, loaded));
      }
      try (CatalogOperations operations = OperationSteps.open(places, shared)) {
        if (places.embedded()) {
          ObjectNode resync = OperationSteps.resync(operations, shared.segments, null, null, null, loaded.entities(), shell);
          line.set("resync", resync);
        }
        boolean dryRun = heal && !places.embedded() && !shared.apply;
        Reconciler.Options options = new Reconciler.Options(mode, shared.segments, perSegment, shared.seed, false, false);
        if (heal && !dryRun) {
          options = options.healing(healOrphans);
        }
        Reconciler.Result result = new Reconciler(operations.source(), operations.targets(), JSON, java.time.Clock.systemUTC()).run(options, report);
        ObjectNode json = result.json();
        if (dryRun) {
          json.put("dryRun", true);
          json.put("wouldHeal", result.remaining());
          json.put("why", "configured places: --heal writes only with --apply");
        }
        line.set("reconcile", json);
        line.put("remaining", result.remaining());
        if (mode == Reconciler.Mode.COUNTS) {
          shell.out().printf("reconcile counts of %s: %s in %.2f s%n", json.path("source").asText(), json.path("countsMatch").asBoolean()
              ? "counts match" : "counts differ", json.path("seconds").asDouble());
        } else {
          shell.out().printf("reconcile %s of %s: %d source entities, %d differences %s, %d healed, %d remaining in %.2f s (%,d entities/s)%n",
            json.path("mode").asText(), json.path("source").asText(), json.path("sourceEntities").asLong(), json.path("differences").asLong(),
            json.path("found"), json.path("healed").asLong(), result.remaining(), json.path("seconds").asDouble(),
            json.path("entitiesPerSecond").asLong());
        }
        shell.out().println(JSON.writeValueAsString(line));
        return result.remaining() > 0 ? 1 : 0;
      }
    }
  }

  private static Reconciler.Mode mode(String value) {
    try {
      return Reconciler.Mode.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException("unknown mode '" + value + "': use full, sampled or counts");
    }
  }
}
