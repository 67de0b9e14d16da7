package io.cqrssuite.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.cli.Arguments.UsageException;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.operations.Resync;
import io.cqrssuite.operations.ResyncCheckpoints;
import io.cqrssuite.verification.ProgressLine;
import io.cqrssuite.verification.operations.CatalogOperations;
import io.cqrssuite.verification.operations.SourceLoad;
import java.time.Duration;

/** The steps {@code reconcile} and {@code resync} share: opening the places, the timed load, a resync with progress. */
final class OperationSteps {
  private static final ObjectMapper JSON = EventJson.newMapper();

  private OperationSteps() {}

  /** Opens the source and read models; an unknown or unreachable one is a usage error (exit 2), before any write. */
  static CatalogOperations open(OperationPlaces places, OperationOptions options) throws Exception {
    try {
      return CatalogOperations.open(places.environment(), options.table, options.targets);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  static ObjectNode loaded(ObjectMapper mapper, SourceLoad.Loaded loaded) {
    ObjectNode json = mapper.createObjectNode();
    json.put("entities", loaded.entities());
    json.put("deleted", loaded.deleted());
    json.put("seconds", Math.round(loaded.seconds() * 1000) / 1000.0);
    json.put("entitiesPerSecond", loaded.perSecond());
    return json;
  }

  /**
   * Resyncs with a progress line on stderr: entities so far, the rate, and the time left against {@code expected}
   * when known (the generated source's size), else the table's item count (DescribeTable's, which AWS refreshes
   * about every six hours, so the estimate is rough there).
   */
  static ObjectNode resync(
      CatalogOperations operations, int segments, String since, String changedAttribute, ResyncCheckpoints checkpoints, long expected, Shell shell)
      throws Exception {
    long total = expected > 0 ? expected : operations.source().approximateCount();
    ProgressLine line = ProgressLine.on(shell.err());
    long t0 = System.nanoTime();
    Resync.Progress progress = (entities, done, all) -> line.update(() -> {
      double seconds = Math.max((System.nanoTime() - t0) / 1e9, 1e-9);
      double rate = entities / seconds;
      String left = total > entities && rate > 0 ? " ~" + Duration.ofSeconds(Math.round((total - entities) / rate)).toString().substring(2).toLowerCase() + " left" : "";
      return String.format("  resync: %,d / ~%,d entities, %d/%d segments (%,.0f/s)%s", entities, total, done, all, rate, left);
    });
    Resync.Options options = since == null ? Resync.Options.full(segments) : Resync.Options.since(segments, since, changedAttribute);
    ObjectNode result = new Resync(operations.source(), operations.targets(), JSON)
        .run(options, checkpoints == null ? ResyncCheckpoints.none() : checkpoints, progress);
    line.finish(String.format("  resync: %,d entities, %,d written in %.2f s (%,d/s)", result.path("entities").asLong(),
        result.path("written").asLong(), result.path("seconds").asDouble(), result.path("entitiesPerSecond").asLong()));
    return result;
  }
}
