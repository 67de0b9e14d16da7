package io.cqrssuite.example.imports;

import io.cqrssuite.event.EventSource;
import io.cqrssuite.event.S3ObjectEvent;

/** A CSV was stored under {@code imports/csv/}: the catalogue should import it. */
public record CsvImportRequested(String eventId, String bucket, String key, long size) implements io.cqrssuite.event.DomainEvent {
  public static CsvImportRequested of(S3ObjectEvent object) {
    return new CsvImportRequested(object.eventId(), object.bucket(), object.key(), object.size());
  }

  @Override
  public EventSource source() {
    return EventSource.S3;
  }
}
