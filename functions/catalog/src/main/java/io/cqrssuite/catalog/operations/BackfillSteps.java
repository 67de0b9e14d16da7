package io.cqrssuite.catalog.operations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.backfill.VersionedReadModel;
import io.cqrssuite.failure.PermanentException;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.operations.ReadModelBackfill;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The backfill's own steps in the resync workflow, each one invocation, around the resync turns that write into the
 * next index ({@link ResyncSegments} with {@code run.backfill}): {@code backfill-open} creates the next index from the
 * function's index template and opens it as the live sync's second target ({@link ReadModelBackfill#open}), answering
 * with the versions and the seconds the workflow waits for every container to notice; {@code backfill-finish} carries
 * the tombstones, reconciles the next index with heal and swaps ({@link ReadModelBackfill#finish}), or fails with
 * {@link BackfillNotSwappedException} and the reason. One implementation, the library's: this class only reads the
 * request and shapes the answer.
 *
 * <p>Requests: {@code {"action": "backfill-open", "run": {"totalSegments": 8, "backfill": true}}} and {@code
 * {"action": "backfill-finish", "run": {..., "versions": {"current": "products-v1", "next": "products-v2"}}}}.
 */
public final class BackfillSteps {
  private final Supplier<ReadModelBackfill> backfill;
  private final BackfillSettings backfillSettings;
  private final OperationsSettings settings;
  private final StructuredLog log;

  public BackfillSteps(
      Supplier<ReadModelBackfill> backfill, BackfillSettings backfillSettings, OperationsSettings settings, StructuredLog log) {
    this.backfill = backfill;
    this.backfillSettings = backfillSettings;
    this.settings = settings;
    this.log = log;
  }

  /** The run's versions as {@code backfill-open} answered them ({@code run.versions}), or a clear refusal. */
  public static VersionedReadModel.Versions versions(JsonNode run) {
    JsonNode versions = run.path("versions");
    String current = versions.path("current").asText("");
    String next = versions.path("next").asText("");
    if (current.isBlank() || next.isBlank()) {
      throw new PermanentException("a backfill step needs run.versions.current and run.versions.next (backfill-open's"
          + " answer), found " + versions);
    }
    return new VersionedReadModel.Versions(current, next, versions.path("resumed").asBoolean(false));
  }

  /** Creates (or finds) the next index and opens it as the second target. */
  public ObjectNode open(JsonNode request) throws Exception {
    ReadModelBackfill library = backfill.get();
    VersionedReadModel.Versions versions = library.open();
    Duration wait = library.discoveryWait(backfillSettings.options(segments(request), settings.changedAttribute()));
    // Whole seconds for the Wait state, rounded up: a shorter wait could copy before a container writes to both.
    long waitSeconds = (wait.toMillis() + 999) / 1000;
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("current", versions.current());
    fields.put("next", versions.next());
    fields.put("resumed", versions.resumed());
    fields.put("waitSeconds", waitSeconds);
    log.info("backfill opened", fields);
    return JsonNodeFactory.instance.objectNode().put("current", versions.current()).put("next", versions.next()).put("resumed", versions.resumed())
        .put("waitSeconds", waitSeconds);
  }

  /** Tombstones, reconcile with heal, swap; a refusal fails the invocation with the reason. */
  public ObjectNode finish(JsonNode request) throws Exception {
    VersionedReadModel.Versions versions = versions(request.path("run"));
    ObjectNode result =
        backfill.get().finish(backfillSettings.options(segments(request), settings.changedAttribute()), versions);
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("current", versions.current());
    fields.put("next", versions.next());
    fields.put("swapped", result.path("swapped").asBoolean());
    fields.put("steps", result.path("steps").toString());
    log.info("backfill finished", fields);
    if (!result.path("swapped").asBoolean()) {
      throw new BackfillNotSwappedException(result.path("reason").asText());
    }
    return result;
  }

  private static int segments(JsonNode request) {
    int segments = request.path("run").path("totalSegments").asInt(0);
    if (segments < 1) {
      throw new PermanentException("a backfill step needs run.totalSegments (at least 1), found " + request.path("run"));
    }
    return segments;
  }
}
