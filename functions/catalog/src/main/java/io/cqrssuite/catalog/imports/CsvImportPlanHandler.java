package io.cqrssuite.catalog.imports;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.bus.EventHandler;
import io.cqrssuite.logging.StructuredLog;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import javax.inject.Inject;

/**
 * Plans an import: reads the CSV once, refuses a wrong header ({@link CsvHeaderException}, line 1, expected and found)
 * and returns the chunks for the workflow's Map state: {@code {rows, bytes, chunkRows, chunks: [{index, startByte,
 * endByte, firstLine, rows}]}}.
 */
public final class CsvImportPlanHandler implements EventHandler<CsvImportPlanRequested> {
  private final ImportSettings settings;
  private final ImportObjects objects;
  private final ImportProgress progress;
  private final ObjectMapper mapper;
  private final StructuredLog log;

  @Inject
  public CsvImportPlanHandler(ImportSettings settings, ImportObjects objects, ImportProgress progress, ObjectMapper mapper, StructuredLog log) {
    this.settings = settings;
    this.objects = objects;
    this.progress = progress;
    this.mapper = mapper;
    this.log = log;
  }

  @Override
  public Class<CsvImportPlanRequested> eventType() {
    return CsvImportPlanRequested.class;
  }

  @Override
  public ObjectNode handle(CsvImportPlanRequested request) throws IOException {
    int chunkRows = request.chunkRows() > 0 ? request.chunkRows() : settings.chunkRows();
    CsvChunkPlanner.Plan plan;
    try (InputStream in = objects.open(request.csv())) {
      plan = new CsvChunkPlanner(chunkRows, settings.maxChunks()).plan(in);
    }
    progress.planned(request.importId(), request.csv(), plan.chunks().size(), plan.rows());
    log.info(
        "CSV import planned",
        Map.of("importId", request.importId(), "key", request.csv().key(), "rows", plan.rows(), "chunks", plan.chunks().size()));
    ObjectNode result = mapper.createObjectNode();
    result.put("rows", plan.rows());
    result.put("bytes", plan.bytes());
    result.put("chunkRows", chunkRows);
    ArrayNode chunks = result.putArray("chunks");
    for (CsvChunk chunk : plan.chunks()) {
      chunks.addObject()
          .put("index", chunk.index())
          .put("startByte", chunk.startByte())
          .put("endByte", chunk.endByte())
          .put("firstLine", chunk.firstLine())
          .put("rows", chunk.rows());
    }
    return result;
  }
}
