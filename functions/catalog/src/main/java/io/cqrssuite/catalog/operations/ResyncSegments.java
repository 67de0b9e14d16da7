package io.cqrssuite.catalog.operations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.failure.PermanentException;
import io.cqrssuite.failure.TransientException;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.backfill.VersionedReadModel;
import io.cqrssuite.operations.DynamoDbCheckpoints;
import io.cqrssuite.operations.ReadModelBackfill;
import io.cqrssuite.operations.Resync;
import io.cqrssuite.operations.SourceTable;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * One turn of one resync segment, as the resync workflow's task asks for it: the segment goes on from its checkpoint
 * (DynamoDB, {@link DynamoDbCheckpoints}) page by page until it is done or the invocation has less than the time
 * margin left, and the answer says whether it is done so the workflow calls again.
 *
 * <p>The request: {@code {"action": "resync-segment", "run": {"totalSegments": 8, "since": "2026-...", "runId":
 * "..."}, "execution": "<execution name>", "segment": 3, "turn": 1}}; {@code since} and {@code runId} are optional
 * (a full resync; the run id is then the execution's name). The answer is the request with {@code done},
 * {@code entities} (the segment's so far) and this turn's {@code scanned}, {@code written}, {@code unchanged},
 * {@code seconds} and {@code entitiesPerSecond}: the workflow's next turn sends it back as it is.
 *
 * <p>With {@code run.backfill} true (a backfill run of the workflow, after {@code backfill-open}), the turn writes into
 * the next index only ({@link ReadModelBackfill#resyncInto}, the versions of {@code run.versions}), under its own
 * checkpoint run id ({@code <runId>-backfill-<next index>}), so a plain resync's checkpoints never stand for it.
 *
 * <p>A page a read model keeps refusing (after the resync's own retries) fails the turn with a
 * {@link TransientException}, its checkpoint before that page: the workflow's retry goes on from there.
 */
public final class ResyncSegments {
  private final Supplier<SourceTable> source;
  private final Supplier<Resync> resync;
  private final Supplier<ReadModelBackfill> backfill;
  private final Supplier<DynamoDbClient> dynamoDb;
  private final OperationsSettings settings;
  private final OperationsMetrics metrics;
  private final StructuredLog log;
  private final Clock clock;

  public ResyncSegments(
      Supplier<SourceTable> source,
      Supplier<Resync> resync,
      Supplier<ReadModelBackfill> backfill,
      Supplier<DynamoDbClient> dynamoDb,
      OperationsSettings settings,
      OperationsMetrics metrics,
      StructuredLog log,
      Clock clock) {
    this.source = source;
    this.resync = resync;
    this.backfill = backfill;
    this.dynamoDb = dynamoDb;
    this.settings = settings;
    this.metrics = metrics;
    this.log = log;
    this.clock = clock;
  }

  /** The request's segment, on from its checkpoint while {@code remainingMillis} stays above the margin. */
  public ObjectNode run(JsonNode request, LongSupplier remainingMillis) throws Exception {
    JsonNode run = request.path("run");
    int segments = run.path("totalSegments").asInt(0);
    int segment = request.path("segment").asInt(-1);
    String since = run.hasNonNull("since") ? run.get("since").asText() : null;
    String runId = run.hasNonNull("runId") ? run.get("runId").asText() : request.path("execution").asText(null);
    if (segments < 1 || segment < 0 || segment >= segments) {
      throw new PermanentException(
          "resync-segment needs run.totalSegments (at least 1) and a segment below it, found " + segments + " and " + segment);
    }
    if (runId == null || runId.isBlank()) {
      throw new PermanentException("resync-segment needs run.runId or the execution's name to key its checkpoints");
    }
    if (since != null) {
      try {
        Instant.parse(since);
      } catch (DateTimeParseException e) {
        throw new PermanentException("run.since must be an ISO-8601 time such as 2026-01-31T00:00:00Z, found '" + since + "'", e);
      }
    }
    Resync writer = resync.get();
    if (run.path("backfill").asBoolean(false)) {
      VersionedReadModel.Versions versions = BackfillSteps.versions(run);
      writer = backfill.get().resyncInto(versions);
      runId = runId + "-backfill-" + versions.next();
    }
    String table = settings.requireSourceTable();
    Resync.Options options =
        since == null ? Resync.Options.full(segments) : Resync.Options.since(segments, since, settings.changedAttribute());
    DynamoDbCheckpoints checkpoints = new DynamoDbCheckpoints(
        dynamoDb.get(), settings.requireCheckpointTable(), new DynamoDbCheckpoints.Run(runId, table, segments, since),
        settings.checkpointsKeptFor(), clock);
    long margin = settings.timeMargin().toMillis();
    long t0 = System.nanoTime();
    Resync.SegmentResult result = writer.runSegment(segment, options, checkpoints, () -> remainingMillis.getAsLong() > margin);
    double seconds = Math.max((System.nanoTime() - t0) / 1e9, 1e-9);
    long rate = Math.round(result.scanned() / seconds);

    Map<String, OperationsMetrics.Value> values = new LinkedHashMap<>();
    values.put("ResyncEntities", new OperationsMetrics.Value(result.scanned(), "Count"));
    values.put("ResyncEntitiesPerSecond", new OperationsMetrics.Value(rate, "Count/Second"));
    values.put("ResyncWritten", new OperationsMetrics.Value(result.written(), "Count"));
    values.put("ResyncSegmentsDone", new OperationsMetrics.Value(result.done() ? 1 : 0, "Count"));
    metrics.emit("resync-segment", values);
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("runId", runId);
    fields.put("source", source.get().table());
    fields.put("segment", segment);
    fields.put("segments", segments);
    fields.put("done", result.done());
    fields.put("entities", result.entities());
    fields.put("scanned", result.scanned());
    fields.put("written", result.written());
    fields.put("entitiesPerSecond", rate);
    log.info("resync turn", fields);
    if (result.stopped() != null) {
      throw new TransientException("resync run " + runId + " " + result.stopped() + " after the resync's own retries; the"
          + " segment's checkpoint stays before that page, so a retry goes on from there");
    }
    ObjectNode answer = request.deepCopy();
    answer.put("done", result.done());
    answer.put("entities", result.entities());
    answer.put("scanned", result.scanned());
    answer.put("written", result.written());
    answer.put("unchanged", result.unchanged());
    answer.put("seconds", Math.round(seconds * 1000) / 1000.0);
    answer.put("entitiesPerSecond", rate);
    return answer;
  }
}
