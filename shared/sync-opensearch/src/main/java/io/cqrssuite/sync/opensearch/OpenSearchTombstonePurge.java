package io.cqrssuite.sync.opensearch;

import io.cqrssuite.sync.TombstonePurger;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;

/** Purges an OpenSearch read model's tombstones older than its retention ({@code SUITE_TOMBSTONE_RETENTION_HOURS}). */
public final class OpenSearchTombstonePurge implements TombstonePurger {
  private final OpenSearchIndexes indexes;
  private final Duration retention;
  private final Clock clock;

  public OpenSearchTombstonePurge(OpenSearchIndexes indexes, Duration retention, Clock clock) {
    this.indexes = indexes;
    this.retention = retention;
    this.clock = clock;
  }

  @Override
  public String target() {
    return "opensearch";
  }

  @Override
  public long purgeExpired() throws IOException {
    return indexes.purgeTombstones(clock.instant().minus(retention));
  }
}
