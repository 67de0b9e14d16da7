package io.cqrssuite.example.imports;

import com.fasterxml.jackson.databind.JsonNode;
import io.cqrssuite.event.EventSource;
import io.cqrssuite.event.InvalidEventException;
import io.cqrssuite.event.TaskEvent;

/** One chunk of a CSV import, handed out by the import workflow as a task ({@code CSV_IMPORT_CHUNK}). */
public record CsvImportChunk(String eventId, String bucket, String key, int chunkIndex, long startLine, long endLine)
    implements io.cqrssuite.event.DomainEvent {

  public static CsvImportChunk of(TaskEvent task) {
    JsonNode input = task.input();
    if (input == null || !input.isObject()) {
      throw new InvalidEventException("input", "a CSV_IMPORT_CHUNK task needs an object input");
    }
    JsonNode chunk = input.path("chunk");
    long start = chunk.path("startLine").asLong(-1);
    long end = chunk.path("endLine").asLong(-1);
    if (start < 1 || end < start) {
      throw new InvalidEventException("input.chunk", "needs 1 <= startLine <= endLine, found " + start + ".." + end);
    }
    String bucket = input.path("bucket").asText("");
    String key = input.path("key").asText("");
    if (bucket.isEmpty() || key.isEmpty()) {
      throw new InvalidEventException("input", "a CSV_IMPORT_CHUNK task needs bucket and key");
    }
    return new CsvImportChunk(task.eventId(), bucket, key, chunk.path("index").asInt(0), start, end);
  }

  @Override
  public EventSource source() {
    return EventSource.STEP_FUNCTIONS;
  }
}
