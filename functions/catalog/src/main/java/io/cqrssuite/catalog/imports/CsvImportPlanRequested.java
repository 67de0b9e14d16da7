package io.cqrssuite.catalog.imports;

import io.cqrssuite.event.DomainEvent;
import io.cqrssuite.event.EventSource;
import io.cqrssuite.event.InvalidEventException;
import io.cqrssuite.event.TaskEvent;

/**
 * The workflow's first task ({@code CSV_IMPORT_PLAN}, a direct Lambda invoke): check the header and cut the CSV
 * into chunks. Its input is the execution's input: {@code bucket}, {@code key}, {@code versionId}, {@code eTag} and
 * {@code settings.chunkRows}.
 *
 * @param chunkRows {@code 0} for the function's own setting
 */
public record CsvImportPlanRequested(String eventId, String importId, CsvSource csv, int chunkRows) implements DomainEvent {
  public static final String TYPE = "CSV_IMPORT_PLAN";

  public static CsvImportPlanRequested of(TaskEvent task) {
    if (task.input() == null || !task.input().isObject()) {
      throw new InvalidEventException("input", "a " + TYPE + " task needs an object input");
    }
    int rows = task.input().path("settings").path("chunkRows").asInt(0);
    return new CsvImportPlanRequested(task.eventId(), importIdOf(task), CsvSource.of(task.input()), Math.max(0, rows));
  }

  /** The execution's name: the last part of its ARN, unique per state machine. */
  static String importIdOf(TaskEvent task) {
    String execution = task.executionId();
    if (execution == null || execution.isBlank()) {
      throw new InvalidEventException("executionId", "an import task needs the execution id");
    }
    return execution.substring(execution.lastIndexOf(':') + 1);
  }

  @Override
  public EventSource source() {
    return EventSource.STEP_FUNCTIONS;
  }
}
