package io.cqrssuite.catalog.imports;

import io.cqrssuite.event.DomainEvent;
import io.cqrssuite.event.EventSource;
import io.cqrssuite.event.S3ObjectEvent;

/**
 * A CSV was stored under {@code imports/csv/}: the catalogue should import it (seed 004's {@code CsvImportEvent}).
 *
 * @param eTag {@code null} when the notification carried none
 * @param versionId {@code null} in an unversioned bucket
 */
public record CsvImportRequested(String eventId, String bucket, String key, long size, String eTag, String versionId)
    implements DomainEvent {
  public static CsvImportRequested of(S3ObjectEvent object) {
    return new CsvImportRequested(object.eventId(), object.bucket(), object.key(), object.size(), object.eTag(), object.versionId());
  }

  @Override
  public EventSource source() {
    return EventSource.S3;
  }
}
