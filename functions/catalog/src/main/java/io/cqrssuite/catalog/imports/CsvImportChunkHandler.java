package io.cqrssuite.catalog.imports;

import io.cqrssuite.command.SourceVersion;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dagger.Lazy;
import io.cqrssuite.bus.EventHandler;
import io.cqrssuite.command.CommandRejectedException;
import io.cqrssuite.command.PublishResult;
import io.cqrssuite.failure.FailureText;
import io.cqrssuite.command.VersionConflictException;
import io.cqrssuite.config.Environment;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.workflow.TaskHeartbeats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;

/**
 * Imports one chunk: reads its byte range, turns each valid row into a product command and reports each bad row
 * with its line number and reason, then answers the task (through the entrypoint) with
 * {@code {chunkIndex, ok, written, unchanged, superseded, rejected, errors: [{line, reason}] (the first few),
 * errorsKey}} ({@code ok} is written plus unchanged; a row whose product holds content from a newer file, or from a
 * later API edit, is {@code superseded}: skipped, neither ok nor rejected); all
 * rejected rows are in the NDJSON object {@code errorsKey} names ({@code null} when none). While it runs it sends
 * heartbeats (the task input's {@code heartbeatSeconds}); when done it adds its counts to the import's progress.
 *
 * <p>Re-running a chunk (a redelivery, a Retry) is harmless: a row already written carries the same source version
 * and is {@code superseded}, a row equal to the product's latest version writes nothing ({@code unchanged}), the report is overwritten with the same lines, the progress counts are added once.
 * A store failure fails the whole chunk as transient, for the state's Retry.
 */
public final class CsvImportChunkHandler implements EventHandler<CsvImportChunk> {
  /** Publishing a row races only with another row of the same product (a duplicate code in the file). */
  static final int CONFLICT_ATTEMPTS = 3;

  private final ImportSettings settings;
  private final ImportObjects objects;
  private final ProductCommands commands;
  private final ImportProgress progress;
  private final Lazy<TaskHeartbeats> heartbeats;
  private final Map<String, String> env;
  private final ObjectMapper mapper;
  private final StructuredLog log;

  @Inject
  public CsvImportChunkHandler(
      ImportSettings settings,
      ImportObjects objects,
      ProductCommands commands,
      ImportProgress progress,
      Lazy<TaskHeartbeats> heartbeats,
      @Environment Map<String, String> env,
      ObjectMapper mapper,
      StructuredLog log) {
    this.settings = settings;
    this.objects = objects;
    this.commands = commands;
    this.progress = progress;
    this.heartbeats = heartbeats;
    this.env = env;
    this.mapper = mapper;
    this.log = log;
  }

  @Override
  public Class<CsvImportChunk> eventType() {
    return CsvImportChunk.class;
  }

  @Override
  public ObjectNode handle(CsvImportChunk task) throws JsonProcessingException {
    Duration every = TaskHeartbeats.interval(task.input(), env);
    if (task.taskToken() == null || every.isZero()) {
      return importChunk(task);
    }
    try (TaskHeartbeats.Beat beat = heartbeats.get().start(task.taskToken(), every)) {
      return importChunk(task);
    }
  }

  private ObjectNode importChunk(CsvImportChunk task) throws JsonProcessingException {
    long started = System.nanoTime();
    CsvChunk chunk = task.chunk();
    byte[] bytes = objects.read(task.csv(), chunk);
    int written = 0;
    int unchanged = 0;
    int superseded = 0;
    List<ProductCsv.Rejected> rejected = new ArrayList<>();
    SourceVersion file = task.csv().sourceVersion();
    for (ProductCsv.Row row : CsvChunkRows.read(bytes, chunk.firstLine())) {
      if (row instanceof ProductCsv.Rejected bad) {
        rejected.add(bad);
      } else if (row instanceof ProductCsv.Valid valid) {
        try {
          PublishResult result = publish(valid, file == null ? null : file.at(valid.line()));
          if (result.written()) {
            written++;
          } else if (result.superseded()) {
            superseded++;
          } else {
            unchanged++;
          }
        } catch (CommandRejectedException e) {
          String refused = "product " + valid.code() + " refused: ";
          rejected.add(
              new ProductCsv.Rejected(
                  valid.line(), refused + e.getMessage(), refused + FailureText.of(e).detailed()));
        }
      }
    }
    String errorsKey = rejected.isEmpty() ? null : report(task, rejected);
    int ok = written + unchanged;
    boolean counted = progress.chunkDone(task.importId(), chunk.index(), ok, rejected.size());
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("importId", task.importId());
    fields.put("chunkIndex", chunk.index());
    fields.put("firstLine", chunk.firstLine());
    fields.put("ok", ok);
    fields.put("written", written);
    fields.put("unchanged", unchanged);
    fields.put("superseded", superseded);
    fields.put("rejected", rejected.size());
    fields.put("millis", (System.nanoTime() - started) / 1_000_000);
    fields.put("countedBefore", !counted);
    log.info("CSV import chunk done", fields);
    ObjectNode result = mapper.createObjectNode();
    result.put("chunkIndex", chunk.index());
    result.put("ok", ok);
    result.put("written", written);
    result.put("unchanged", unchanged);
    result.put("superseded", superseded);
    result.put("rejected", rejected.size());
    ArrayNode errors = result.putArray("errors");
    rejected.stream().limit(settings.inlineErrors()).forEach(r -> errors.addObject().put("line", r.line()).put("reason", r.reason()));
    result.put("errorsKey", errorsKey);
    return result;
  }

  private PublishResult publish(ProductCsv.Valid row, SourceVersion source) {
    for (int attempt = 1; ; attempt++) {
      try {
        return commands.publish(row.image(), source);
      } catch (VersionConflictException e) {
        if (attempt >= CONFLICT_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  /** Writes every rejected row as NDJSON ({@code {"line", "reason"}}, in line order) and returns its key. */
  private String report(CsvImportChunk task, List<ProductCsv.Rejected> rejected) throws JsonProcessingException {
    StringBuilder ndjson = new StringBuilder();
    for (ProductCsv.Rejected row : rejected) {
      // The report is the file owner's, in the import bucket: it may name the values that were refused.
      ndjson.append(mapper.writeValueAsString(mapper.createObjectNode().put("line", row.line()).put("reason", row.detail()))).append('\n');
    }
    String key = reportKey(task.importId(), task.chunk().index());
    objects.putText(task.csv().bucket(), key, ndjson.toString(), "application/x-ndjson");
    return key;
  }

  static String reportKey(String importId, int chunkIndex) {
    return ImportObjects.REPORTS + importId + "/chunk-" + String.format("%05d", chunkIndex) + ".ndjson";
  }
}
