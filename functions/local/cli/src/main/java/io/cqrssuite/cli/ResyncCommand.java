package io.cqrssuite.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.cli.Arguments.UsageException;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.operations.FileCheckpoints;
import io.cqrssuite.operations.Reconciler;
import io.cqrssuite.operations.ResyncCheckpoints;
import io.cqrssuite.operations.SourceTable;
import io.cqrssuite.verification.operations.CatalogOperations;
import io.cqrssuite.verification.operations.SourceLoad;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * {@code ./suite resync}: writes the catalog's source table into its read models through the version-guarded sync
 * (operations' {@code Resync}): every entity, or those changed since a time; resumable from a checkpoint file. On the
 * embedded default it generates the source first and checks the counts after, so it doubles as the resync benchmark.
 */
final class ResyncCommand implements Command {
  private static final ObjectMapper JSON = EventJson.newMapper();

  @Override
  public String name() {
    return "resync";
  }

  @Override
  public List<Usage> usage() {
    return List.of(
        Usage.of(
            "resync [--since TIME [--changed-attribute NAME]] [--segments N] [--checkpoints FILE] [--apply] [--table NAME]"
                + " [--target rds|opensearch] [--entities N] [--seed N]",
            "Write the catalog's data table into its read models: a parallel Scan over N segments (default 4), in bulk",
            "and version-guarded, so it can run beside the live sync; deleted items go as tombstones; nothing is",
            "ever deleted that the scan does not see. --since TIME (ISO-8601): only items whose updatedAt (or",
            "--changed-attribute) is at least TIME, a filtered scan that still reads the whole table. Progress on",
            "stderr (entities, rate, time left). Resumable: each segment's checkpoint goes to FILE (configured places:",
            "default .suite/resync/<table>.json, removed once complete); the same command resumes it.",
            "Places as for reconcile (docs/operations.md): by default a generated catalog (--entities, default",
            "10,000) into embedded engines, loaded first and counted after; on configured places it runs dry",
            "(counts what it would write) unless --apply. Last line: one JSON object; exit 1 when a segment stopped",
            "or the embedded counts differ."));
  }

  @Override
  public int run(Arguments arguments, Shell shell) throws Exception {
    OperationOptions shared = new OperationOptions();
    String since = null;
    String changedAttribute = "updatedAt";
    Path checkpointFile = null;
    while (arguments.hasNext()) {
      String word = arguments.next();
      if (shared.take(word, arguments)) {
        continue;
      }
      switch (word) {
        case "--since" -> since = instant(arguments.value("--since"));
        case "--changed-attribute" -> changedAttribute = arguments.value("--changed-attribute");
        case "--checkpoints" -> checkpointFile = Path.of(arguments.value("--checkpoints"));
        default -> throw new UsageException("unknown option '" + word + "' for resync; see ./suite resync --help");
      }
    }
    try (OperationPlaces places = OperationPlaces.open(shell, "resync")) {
      shared.checkFor(places);
      ObjectNode line = JSON.createObjectNode();
      line.put("places", places.describe());
      long expected = -1;
      if (places.embedded()) {
        SourceLoad.Loaded loaded = places.load(shared.entities, shared.seed, shell);
        line.set("load", OperationSteps.loaded(JSON, loaded));
        expected = loaded.entities();
      }
      try (CatalogOperations operations = OperationSteps.open(places, shared)) {
        SourceTable source = operations.source();
        if (!places.embedded() && !shared.apply) {
          SourceTable.Counts counts = source.counts();
          ObjectNode dry = line.putObject("resync");
          dry.put("dryRun", true);
          dry.put("why", "configured places: resync writes only with --apply");
          dry.put("source", source.table());
          dry.put("wouldScan", counts.items());
          dry.put("live", counts.live());
          dry.put("tombstones", counts.tombstones());
          dry.put("readCapacityUnits", source.consumedCapacity());
          operations.targets().forEach(t -> dry.withArray("targets").add(t.name()));
          shell.out().printf("resync (dry run) of %s: would write %,d items (%,d tombstones) into %s; pass --apply to write%n",
              source.table(), counts.items(), counts.tombstones(), dry.path("targets"));
          shell.out().println(JSON.writeValueAsString(line));
          return 0;
        }
        Path file = checkpointFile != null || places.embedded()
            ? checkpointFile
            : shell.root().resolve(".suite/resync/" + source.table() + (since == null ? "" : "-since-" + since.replace(':', '-')) + ".json");
        ResyncCheckpoints checkpoints = ResyncCheckpoints.none();
        if (file != null) {
          Files.createDirectories(file.toAbsolutePath().getParent());
          ObjectNode run = JSON.createObjectNode().put("source", source.table()).put("segments", shared.segments);
          run.put("since", since);
          checkpoints = new FileCheckpoints(file, JSON, run);
        }
        ObjectNode result = OperationSteps.resync(operations, shared.segments, since, changedAttribute, checkpoints, expected, shell);
        line.set("resync", result);
        boolean complete = result.path("complete").asBoolean();
        if (complete && file != null && checkpointFile == null) {
          Files.deleteIfExists(file);
        } else if (file != null) {
          result.put("checkpoints", file.toString());
        }
        boolean countsMatch = true;
        if (places.embedded()) {
          // The generated source went into empty engines: both sides must now count the same items and tombstones.
          ObjectNode counts = new Reconciler(source, operations.targets(), JSON, Clock.systemUTC())
              .run(new Reconciler.Options(Reconciler.Mode.COUNTS, shared.segments, 1, 0, false, false), null).json();
          countsMatch = counts.path("countsMatch").asBoolean();
          line.set("counts", counts);
        }
        shell.out().printf("resync %s of %s: %,d entities, %,d written, %,d unchanged, %,d failed in %.2f s (%,d entities/s)%s%n",
            result.path("mode").asText(), source.table(), result.path("entities").asLong(), result.path("written").asLong(),
            result.path("unchanged").asLong(), result.path("failed").asLong(), result.path("seconds").asDouble(),
            result.path("entitiesPerSecond").asLong(), places.embedded() ? (countsMatch ? "; counts match" : "; COUNTS DIFFER") : "");
        shell.out().println(JSON.writeValueAsString(line));
        return complete && countsMatch ? 0 : 1;
      }
    }
  }

  private static String instant(String value) {
    try {
      Instant.parse(value);
      // Kept as written: the scan compares it with the items' own ISO-8601 text.
      return value;
    } catch (DateTimeParseException e) {
      throw new UsageException("--since must be an ISO-8601 time such as 2026-12-01T00:00:00Z, found '" + value + "'");
    }
  }
}
