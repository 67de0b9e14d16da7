package io.cqrssuite.catalog.imports;

import io.cqrssuite.command.SourceVersion;
import io.cqrssuite.event.DomainEvent;
import io.cqrssuite.event.EventSource;
import io.cqrssuite.event.S3ObjectEvent;

/**
 * A CSV was stored under {@code imports/csv/}: the catalogue should import it (seed 004's {@code CsvImportEvent}).
 *
 * @param eTag {@code null} when the notification carried none
 * @param versionId {@code null} in an unversioned bucket
 * @param sourceVersion when the file was stored (event time, then sequencer), which every row's command carries so
 *     that an older file never overwrites a newer one's rows; {@code null} when the notification had no event time
 */
public record CsvImportRequested(
    String eventId, String bucket, String key, long size, String eTag, String versionId, SourceVersion sourceVersion)
    implements DomainEvent {
  public static CsvImportRequested of(S3ObjectEvent object) {
    SourceVersion source = object.eventTime() == null ? null : SourceVersion.ofObject(object.eventTime(), object.sequencer());
    return new CsvImportRequested(object.eventId(), object.bucket(), object.key(), object.size(), object.eTag(), object.versionId(), source);
  }

  @Override
  public EventSource source() {
    return EventSource.S3;
  }
}
