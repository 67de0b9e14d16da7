package io.cqrssuite.catalog.imports;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.bus.EventHandler;
import io.cqrssuite.failure.PermanentException;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.workflow.WorkflowStarts;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.inject.Inject;

/**
 * Starts the import workflow for a new CSV. The execution is named after the bucket, key and object version (its
 * version id, else its ETag), so a redelivered S3 notification finds the execution it started and starts no second
 * import; a new upload of different content is a new version and a new import. Not a {@code .csv} or empty: refused
 * permanently. Without {@code SUITE_IMPORT_STATE_MACHINE_ARN} the CSV is logged and left alone.
 */
public final class CsvImportHandler implements EventHandler<CsvImportRequested> {
  private final ImportSettings settings;
  private final WorkflowStarts workflows;
  private final ObjectMapper mapper;
  private final StructuredLog log;

  @Inject
  public CsvImportHandler(ImportSettings settings, WorkflowStarts workflows, ObjectMapper mapper, StructuredLog log) {
    this.settings = settings;
    this.workflows = workflows;
    this.mapper = mapper;
    this.log = log;
  }

  @Override
  public Class<CsvImportRequested> eventType() {
    return CsvImportRequested.class;
  }

  @Override
  public Map<String, Object> handle(CsvImportRequested request) {
    if (!request.key().toLowerCase(Locale.ROOT).endsWith(".csv")) {
      throw new PermanentException("not a CSV file: " + request.key());
    }
    if (request.size() == 0) {
      throw new PermanentException("empty file: " + request.key());
    }
    Map<String, Object> result = new LinkedHashMap<>();
    if (settings.stateMachineArn() == null) {
      log.warn("CSV not imported: " + ImportSettings.STATE_MACHINE_ARN + " is not set", Map.of("bucket", request.bucket(), "key", request.key()));
      result.put("started", false);
      return result;
    }
    String name = executionName(request);
    WorkflowStarts.Started started = workflows.start(settings.stateMachineArn(), name, input(request));
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("bucket", request.bucket());
    fields.put("key", request.key());
    fields.put("executionName", name);
    fields.put("executionArn", started.executionArn());
    log.info(started.repeated() ? "CSV import already started for this object version" : "CSV import started", fields);
    result.put("started", !started.repeated());
    result.put("executionArn", started.executionArn());
    return result;
  }

  /**
   * The file name, bucket, key and version, made a valid name with a hash of them all (Step Functions allows 80
   * characters): the file name comes first, so it is what a user reads in the console.
   */
  static String executionName(CsvImportRequested request) {
    // Unversioned, the event id (bucket, key and sequencer) tells two uploads of one key apart even with equal
    // content; an upload's redelivered notification keeps it.
    String version = request.versionId() != null ? request.versionId() : request.eventId();
    String file = request.key().substring(request.key().lastIndexOf('/') + 1);
    return WorkflowStarts.executionName(file, request.bucket(), request.key(), version);
  }

  /** Everything the workflow needs, and nothing that differs between two deliveries of one notification. */
  private ObjectNode input(CsvImportRequested request) {
    ObjectNode input = mapper.createObjectNode();
    input.put("bucket", request.bucket());
    input.put("key", request.key());
    input.put("versionId", request.versionId());
    input.put("eTag", request.eTag());
    input.put("bytes", request.size());
    input.put("correlationId", request.eventId());
    input.put("sourceVersion", request.sourceVersion() == null ? null : request.sourceVersion().text());
    input.putObject("settings").put("chunkRows", settings.chunkRows()).put("maxConcurrency", settings.maxConcurrency());
    return input;
  }
}
