package io.cqrssuite.catalog.imports;

import com.fasterxml.jackson.databind.JsonNode;
import io.cqrssuite.event.DomainEvent;
import io.cqrssuite.event.EventSource;
import io.cqrssuite.event.InvalidEventException;
import io.cqrssuite.event.TaskEvent;

/**
 * The workflow's last task ({@code CSV_IMPORT_SUMMARY}, a direct Lambda invoke): total the chunk results
 * ({@code chunkResults}: {@code chunkIndex, ok, rejected, errorsKey}, or {@code failed} and {@code error} for a
 * chunk that failed for good) and write the bad-row report.
 */
public record CsvImportSummaryRequested(String eventId, String importId, CsvSource csv, long rows, JsonNode chunkResults)
    implements DomainEvent {
  public static final String TYPE = "CSV_IMPORT_SUMMARY";

  public static CsvImportSummaryRequested of(TaskEvent task) {
    JsonNode input = task.input();
    if (input == null || !input.isObject() || !input.path("chunkResults").isArray()) {
      throw new InvalidEventException("input.chunkResults", "a " + TYPE + " task needs the Map state's results as chunkResults");
    }
    return new CsvImportSummaryRequested(
        task.eventId(), CsvImportPlanRequested.importIdOf(task), CsvSource.of(input), input.path("plan").path("rows").asLong(0), input.get("chunkResults"));
  }

  @Override
  public EventSource source() {
    return EventSource.STEP_FUNCTIONS;
  }
}
