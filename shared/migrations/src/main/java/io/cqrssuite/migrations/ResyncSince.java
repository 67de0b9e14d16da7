package io.cqrssuite.migrations;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.operations.Resync;
import io.cqrssuite.operations.ResyncCheckpoints;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Writes again, from the source, what changed since a time: after a restore, the rows the live sync wrote into the
 * failed tables during the migration are gone with them, and this brings them back (the version guard keeps whatever
 * is newer). The caller provides it, usually as {@link #of} an operations {@link Resync}.
 */
@FunctionalInterface
public interface ResyncSince {
  /** Kept before the backup's start, for clocks that disagree: a resync writes nothing twice, so a margin is cheap. */
  Duration MARGIN = Duration.ofMinutes(1);

  /** Resyncs the changes at or after {@code since}; the JSON result is the resync's. */
  ObjectNode resync(Instant since) throws Exception;

  /**
   * An incremental {@link Resync} over {@code segments} scan segments of the items whose {@code changedAttribute} (an
   * ISO-8601 time such as {@code updatedAt}) is at or after {@code since} less {@link #MARGIN}; written with
   * milliseconds, as the items' times are, since the comparison is textual.
   */
  static ResyncSince of(Resync resync, int segments, String changedAttribute) {
    DateTimeFormatter format = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    return since -> resync.run(
        Resync.Options.since(segments, format.format(since.minus(MARGIN)), changedAttribute),
        ResyncCheckpoints.none(),
        Resync.Progress.none());
  }
}
