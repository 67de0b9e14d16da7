package io.cqrssuite.example.imports;

import io.cqrssuite.bus.EventHandler;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.inject.Inject;

/**
 * Answers a chunk task of the import workflow with the chunk's bounds; the task token is answered by the suite
 * with this result ({@code SendTaskSuccess}) or with the failure ({@code SendTaskFailure}).
 */
public final class CsvImportChunkHandler implements EventHandler<CsvImportChunk> {
  @Inject
  public CsvImportChunkHandler() {}

  @Override
  public Class<CsvImportChunk> eventType() {
    return CsvImportChunk.class;
  }

  @Override
  public Map<String, Object> handle(CsvImportChunk chunk) {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("chunkIndex", chunk.chunkIndex());
    result.put("key", chunk.key());
    result.put("lines", chunk.endLine() - chunk.startLine() + 1);
    return result;
  }
}
