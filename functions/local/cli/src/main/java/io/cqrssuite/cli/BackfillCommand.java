package io.cqrssuite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.backfill.VersionedReadModel;
import io.cqrssuite.cli.Arguments.UsageException;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.operations.ReadModelBackfill;
import io.cqrssuite.operations.ResyncCheckpoints;
import io.cqrssuite.sync.opensearch.OpenSearchSettings;
import io.cqrssuite.verification.ProgressLine;
import io.cqrssuite.verification.operations.CatalogOperations;
import io.cqrssuite.verification.operations.LiveStream;
import io.cqrssuite.verification.operations.SourceLoad;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code ./suite backfill}: moves the search read model to a new index version filled from the source table while the
 * live sync keeps writing (operations' {@link ReadModelBackfill}); or moves it back, or deletes versions past their
 * horizon. On the embedded default a live stream writes beside it and its lag is measured.
 */
final class BackfillCommand implements Command {
  private static final ObjectMapper JSON = EventJson.newMapper();

  @Override
  public String name() {
    return "backfill";
  }

  @Override
  public List<Usage> usage() {
    return List.of(
        Usage.of(
            "backfill [--template FILE] [--rollback | --clean] [--keep-days N] [--segments N] [--apply] [--live-rate N]"
                + " [--entities N] [--seed N]",
            "Move the search read model to a new index version without downtime: create it beside the current one",
            "from the index template (FILE, else SUITE_OPENSEARCH_TEMPLATE's), have the live sync write to both (the",
            "<index>-backfill alias, noticed within SUITE_OPENSEARCH_BACKFILL_CHECK_SECONDS), resync the source into",
            "it, reconcile it (up to 3 passes with heal), then swap both aliases in one request; the old index is kept",
            "--keep-days (default 7) for a --rollback, which moves the aliases back and resyncs what changed since the",
            "swap. --clean deletes kept versions past their horizon. Places as for reconcile (docs/operations.md): by",
            "default a generated catalog (--entities, default 10,000) on embedded engines, with a live stream of",
            "--live-rate changes/s (default 20) whose lag from source write to visibility is measured; on configured",
            "places it runs dry unless --apply. Last line: one JSON object; exit 1 when it did not swap (or roll back)."));
  }

  @Override
  public int run(Arguments arguments, Shell shell) throws Exception {
    OperationOptions shared = new OperationOptions();
    shared.targets = Set.of(CatalogOperations.OPENSEARCH);
    Path templateFile = null;
    boolean rollback = false;
    boolean clean = false;
    int keepDays = 7;
    int liveRate = 20;
    boolean liveRateGiven = false;
    while (arguments.hasNext()) {
      String word = arguments.next();
      if (!word.equals("--target") && shared.take(word, arguments)) {
        continue;
      }
      switch (word) {
        case "--template" -> templateFile = Path.of(arguments.value("--template"));
        case "--rollback" -> rollback = true;
        case "--clean" -> clean = true;
        case "--keep-days" -> keepDays = arguments.positiveInt("--keep-days");
        case "--live-rate" -> {
          liveRate = arguments.positiveInt("--live-rate");
          liveRateGiven = true;
        }
        default -> throw new UsageException("unknown option '" + word + "' for backfill; see ./suite backfill --help");
      }
    }
    if (rollback && clean) {
      throw new UsageException("give --rollback or --clean, not both");
    }
    ObjectNode template = templateFile == null ? null : template(templateFile);
    try (OperationPlaces places = OperationPlaces.open(shell, "backfill")) {
      shared.checkFor(places);
      if (!places.embedded() && liveRateGiven) {
        throw new UsageException("--live-rate drives the embedded default's live stream; on configured places the live sync is yours");
      }
      if (places.embedded() && (rollback || clean)) {
        throw new UsageException("--rollback and --clean work on configured places; the embedded default shows a backfill under a live stream");
      }
      ObjectNode line = JSON.createObjectNode();
      line.put("places", places.describe());
      long loadedEntities = -1;
      if (places.embedded()) {
        SourceLoad.Loaded loaded = places.load(shared.entities, shared.seed, shell);
        line.set("load", OperationSteps.loaded(JSON, loaded));
        loadedEntities = loaded.entities();
        // The embedded live sync looks for the backfill alias every second, so the wait before copying is short.
        places.environment().put("SUITE_OPENSEARCH_BACKFILL_CHECK_SECONDS", "1");
      }
      try (CatalogOperations operations = OperationSteps.open(places, shared)) {
        Duration discovery = OpenSearchSettings.fromEnvironment(places.environment()).orElseThrow().backfillCheck();
        VersionedReadModel search = operations.searchVersions(template == null ? operations.searchTemplate() : template, discovery);
        ReadModelBackfill backfill = new ReadModelBackfill(operations.source(), search, JSON, Clock.systemUTC());
        ReadModelBackfill.Options options = new ReadModelBackfill.Options(
            shared.segments, Duration.ofDays(keepDays), Duration.ofSeconds(5), 3, "updatedAt", Duration.ofMinutes(5));
        if (!places.embedded() && !shared.apply) {
          ObjectNode dry = line.putObject("backfill");
          dry.put("dryRun", true).put("why", "configured places: backfill writes only with --apply");
          dry.put("readModel", search.name()).put("current", search.current().name())
              .put("would", rollback ? "move the aliases back to the version the last swap replaced, then resync since that swap"
                  : clean ? "delete kept versions past their horizon"
                  : "create the next index version, dual-write, resync " + operations.source().table() + " into it, reconcile, swap");
          shell.out().printf("backfill (dry run) of %s: would %s; pass --apply to do it%n", search.name(), dry.path("would").asText());
          shell.out().println(JSON.writeValueAsString(line));
          return 0;
        }
        if (rollback || clean) {
          ObjectNode result = rollback ? backfill.rollback(options) : backfill.clean();
          line.set("backfill", result);
          shell.out().printf("backfill %s of %s: %s%n", rollback ? "rollback" : "clean", search.name(), result);
          shell.out().println(JSON.writeValueAsString(line));
          return !rollback || result.path("complete").asBoolean() ? 0 : 1;
        }
        if (places.embedded()) {
          OperationSteps.resync(operations, shared.segments, null, null, null, loadedEntities, shell);
        }
        LiveStream live = places.embedded()
            ? new LiveStream(places.dynamoDb(), operations.source(), operations.targets(), operations::visibleVersions).start(liveRate)
            : null;
        ProgressLine progress = ProgressLine.on(shell.err());
        long t0 = System.nanoTime();
        ObjectNode result;
        try {
          result = backfill.run(options, ResyncCheckpoints.none(), (entities, done, all) -> progress.update(() -> String.format(
              "  backfill resync: %,d entities, %d/%d segments (%,.0f/s)", entities, done, all, entities / Math.max((System.nanoTime() - t0) / 1e9, 1e-9))));
        } finally {
          progress.end();
          if (live != null) {
            LiveStream.Lag lag = live.stop(30);
            live.close();
            ObjectNode lagJson = line.putObject("liveStream");
            lagJson.put("perSecond", liveRate).put("writes", lag.writes()).put("seen", lag.samples()).put("unseen", lag.unseen())
                .put("lagP50Millis", lag.p50()).put("lagP99Millis", lag.p99()).put("lagMaxMillis", lag.max());
            lag.failures().stream().limit(5).forEach(lagJson.withArray("failures")::add);
          }
        }
        line.set("backfill", result);
        boolean swapped = result.path("swapped").asBoolean();
        JsonNode lag = line.path("liveStream");
        shell.out().printf("backfill of %s: %s in %.2f s%s%n", search.name(), swapped ? "swapped to " + next(result) : "NOT swapped: " + result.path("reason").asText(),
            (System.nanoTime() - t0) / 1e9, lag.isMissingNode() ? "" : String.format("; live stream %d writes, lag p50 %d ms, p99 %d ms, %d unseen",
                lag.path("writes").asLong(), lag.path("lagP50Millis").asLong(), lag.path("lagP99Millis").asLong(), lag.path("unseen").asLong()));
        shell.out().println(JSON.writeValueAsString(line));
        boolean liveOk = lag.isMissingNode() || (lag.path("unseen").asLong() == 0 && lag.path("failures").isMissingNode());
        return swapped && liveOk ? 0 : 1;
      }
    }
  }

  private static String next(ObjectNode result) {
    for (JsonNode step : result.path("steps")) {
      if (step.path("step").asText().equals("swap") || step.has("swappedAt")) {
        return step.path("current").asText();
      }
    }
    return "?";
  }

  private static ObjectNode template(Path file) {
    try {
      JsonNode node = JSON.readTree(Files.readString(file));
      if (!node.isObject()) {
        throw new UsageException("--template " + file + " is not a JSON object (an index template)");
      }
      return (ObjectNode) node;
    } catch (java.io.IOException e) {
      throw new UsageException("--template " + file + " cannot be read: " + e.getMessage());
    }
  }
}
