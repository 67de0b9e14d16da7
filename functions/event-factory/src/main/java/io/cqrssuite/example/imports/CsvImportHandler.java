package io.cqrssuite.example.imports;

import io.cqrssuite.bus.EventHandler;
import io.cqrssuite.failure.PermanentException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.inject.Inject;

/**
 * Accepts an import request: a {@code .csv} object that is not empty. What it returns is the import's plan (where
 * to read, how many chunks of {@link #CHUNK_LINES_HINT} lines at most the size suggests); a request that cannot be
 * imported is rejected permanently, with the reason.
 */
public final class CsvImportHandler implements EventHandler<CsvImportRequested> {
  /** Lines per chunk used for the size-based estimate; a row is assumed to take about 100 bytes. */
  static final int CHUNK_LINES_HINT = 500;

  @Inject
  public CsvImportHandler() {}

  @Override
  public Class<CsvImportRequested> eventType() {
    return CsvImportRequested.class;
  }

  @Override
  public Map<String, Object> handle(CsvImportRequested request) {
    if (!request.key().toLowerCase(java.util.Locale.ROOT).endsWith(".csv")) {
      throw new PermanentException("not a CSV file: " + request.key());
    }
    if (request.size() == 0) {
      throw new PermanentException("empty file: " + request.key());
    }
    Map<String, Object> plan = new LinkedHashMap<>();
    plan.put("bucket", request.bucket());
    plan.put("key", request.key());
    plan.put("bytes", request.size());
    if (request.size() > 0) {
      long estimatedRows = Math.max(1, request.size() / 100);
      plan.put("estimatedChunks", (estimatedRows + CHUNK_LINES_HINT - 1) / CHUNK_LINES_HINT);
    }
    return plan;
  }
}
