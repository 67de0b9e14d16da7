package io.cqrssuite.catalog.imports;

import com.fasterxml.jackson.databind.JsonNode;
import io.cqrssuite.event.DomainEvent;
import io.cqrssuite.event.EventSource;
import io.cqrssuite.event.InvalidEventException;
import io.cqrssuite.event.TaskEvent;

/**
 * One chunk of a CSV import, handed out by the workflow's Map state as a {@code .waitForTaskToken} task
 * ({@code CSV_IMPORT_CHUNK}) over SQS. Input: the CSV's {@code bucket}, {@code key}, {@code versionId}, {@code eTag},
 * {@code heartbeatSeconds} and {@code chunk} ({@code index, startByte, endByte, firstLine, rows}).
 *
 * @param taskToken never logged; {@code null} when invoked without a token (a test, a replay)
 */
public record CsvImportChunk(
    String eventId, String importId, String taskToken, CsvSource csv, CsvChunk chunk, JsonNode input)
    implements DomainEvent {
  public static final String TYPE = "CSV_IMPORT_CHUNK";

  public static CsvImportChunk of(TaskEvent task) {
    JsonNode input = task.input();
    if (input == null || !input.isObject()) {
      throw new InvalidEventException("input", "a " + TYPE + " task needs an object input");
    }
    JsonNode chunk = input.path("chunk");
    CsvChunk range;
    try {
      range =
          new CsvChunk(
              chunk.path("index").asInt(-1),
              chunk.path("startByte").asLong(-1),
              chunk.path("endByte").asLong(-1),
              chunk.path("firstLine").asLong(-1),
              chunk.path("rows").asInt(-1));
    } catch (IllegalArgumentException e) {
      throw new InvalidEventException("input.chunk", e.getMessage());
    }
    return new CsvImportChunk(
        task.eventId(), CsvImportPlanRequested.importIdOf(task), task.taskToken(), CsvSource.of(input), range, input);
  }

  @Override
  public EventSource source() {
    return EventSource.STEP_FUNCTIONS;
  }

  @Override
  public String toString() {
    return "CsvImportChunk[" + importId + " #" + chunk.index() + " of " + csv + "]";
  }
}
