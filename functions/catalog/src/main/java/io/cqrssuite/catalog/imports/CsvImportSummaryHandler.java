package io.cqrssuite.catalog.imports;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.bus.EventHandler;
import io.cqrssuite.logging.StructuredLog;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;

/**
 * Ends an import: totals the chunk results, joins the chunks' bad-row reports (and a line per failed chunk) into one
 * NDJSON report in line order, marks the progress item finished, and returns
 * {@code {importId, rows, ok, rejected, superseded, failedChunks, reportKey, status, raiseAlarm, alarm}}. {@code alarm} is the
 * §5 alarm body the workflow publishes when {@code raiseAlarm}: counts and where the report is, never row content.
 */
public final class CsvImportSummaryHandler implements EventHandler<CsvImportSummaryRequested> {
  private final ImportObjects objects;
  private final ImportProgress progress;
  private final ObjectMapper mapper;
  private final StructuredLog log;

  @Inject
  public CsvImportSummaryHandler(ImportObjects objects, ImportProgress progress, ObjectMapper mapper, StructuredLog log) {
    this.objects = objects;
    this.progress = progress;
    this.mapper = mapper;
    this.log = log;
  }

  @Override
  public Class<CsvImportSummaryRequested> eventType() {
    return CsvImportSummaryRequested.class;
  }

  @Override
  public ObjectNode handle(CsvImportSummaryRequested request) throws JsonProcessingException {
    List<JsonNode> results = new ArrayList<>();
    request.chunkResults().forEach(results::add);
    results.sort(Comparator.comparingInt(r -> r.path("chunkIndex").asInt()));
    long ok = 0;
    long rejected = 0;
    long superseded = 0;
    List<Integer> failed = new ArrayList<>();
    StringBuilder report = new StringBuilder();
    for (JsonNode result : results) {
      if (result.path("failed").asBoolean(false)) {
        failed.add(result.path("chunkIndex").asInt());
        ObjectNode line = mapper.createObjectNode();
        line.put("chunk", result.path("chunkIndex").asInt());
        line.put("firstLine", result.path("firstLine").asLong());
        line.put("rows", result.path("rows").asInt());
        line.put("reason", "chunk not imported: " + result.path("error").asText("unknown error"));
        report.append(mapper.writeValueAsString(line)).append('\n');
        continue;
      }
      ok += result.path("ok").asLong();
      rejected += result.path("rejected").asLong();
      superseded += result.path("superseded").asLong();
      String errorsKey = result.path("errorsKey").textValue();
      if (errorsKey != null) {
        report.append(objects.readText(request.csv().bucket(), errorsKey));
      }
    }
    String reportKey = null;
    if (report.length() > 0) {
      reportKey = ImportObjects.REPORTS + request.importId() + "/rejected.ndjson";
      objects.putText(request.csv().bucket(), reportKey, report.toString(), "application/x-ndjson");
    }
    String status = !failed.isEmpty() ? "FAILED_CHUNKS" : rejected > 0 ? "SUCCEEDED_WITH_REJECTIONS" : "SUCCEEDED";
    progress.finished(request.importId(), status, ok, rejected, failed.size());
    log.info(
        "CSV import finished",
        Map.of("importId", request.importId(), "status", status, "ok", ok, "rejected", rejected, "failedChunks", failed.size()));
    ObjectNode summary = mapper.createObjectNode();
    summary.put("importId", request.importId());
    summary.put("bucket", request.csv().bucket());
    summary.put("key", request.csv().key());
    summary.put("rows", request.rows());
    summary.put("ok", ok);
    summary.put("rejected", rejected);
    // Rows a newer file (or a later API edit) had already written: skipped, and neither ok nor an error.
    summary.put("superseded", superseded);
    summary.put("failedChunks", failed.size());
    failed.forEach(summary.putArray("failedChunkIndexes")::add);
    summary.put("reportKey", reportKey);
    summary.put("status", status);
    boolean raise = !failed.isEmpty() || rejected > 0;
    summary.put("raiseAlarm", raise);
    if (raise) {
      summary.set("alarm", alarm(request, ok, rejected, failed.size(), reportKey));
    }
    return summary;
  }

  private ObjectNode alarm(CsvImportSummaryRequested request, long ok, long rejected, int failedChunks, String reportKey) {
    ObjectNode alarm = mapper.createObjectNode();
    alarm.put("severity", failedChunks > 0 ? "ERROR" : "WARNING");
    alarm.put("source", "csv-import");
    alarm.put("handler", "CsvImportWorkflow");
    alarm.put("errorClass", failedChunks > 0 ? "CsvImport.ChunksFailed" : "CsvImport.RowsRejected");
    alarm.put(
        "errorMessage",
        "import of " + request.csv() + ": " + ok + " rows imported, " + rejected + " rejected, " + failedChunks
            + " chunks failed; report s3://" + request.csv().bucket() + "/" + reportKey);
    alarm.putArray("eventIds").add(request.importId());
    alarm.put("count", rejected + failedChunks);
    return alarm;
  }
}
