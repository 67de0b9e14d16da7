package io.cqrssuite.sync.opensearch;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * Whether a backfill's alias exists, asked at most once per interval: the live sync's only extra cost when no
 * backfill runs is one {@code HEAD _alias/<name>} per interval per container, never a request per batch. A backfill
 * waits one interval after adding its alias, so by then every container writes through it.
 *
 * <p>The age is taken from the clock at each batch, so a container thawed after a long freeze asks again at once.
 */
final class BackfillDiscovery {
  private record Seen(Instant at, boolean present) {}

  private final OpenSearchClient client;
  private final String alias;
  private final Duration interval;
  private final Clock clock;
  private volatile Seen seen;

  BackfillDiscovery(OpenSearchClient client, String alias, Duration interval, Clock clock) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("the backfill check interval must be positive, found " + interval);
    }
    this.client = client;
    this.alias = alias;
    this.interval = interval;
    this.clock = clock;
  }

  String alias() {
    return alias;
  }

  Duration interval() {
    return interval;
  }

  /** The backfill alias while it exists, else null; asks OpenSearch when the last answer is an interval old. */
  String target() throws IOException {
    Seen last = seen;
    Instant now = clock.instant();
    if (last == null || !now.isBefore(last.at().plus(interval))) {
      last = new Seen(now, client.indices().existsAlias(a -> a.name(alias)).value());
      seen = last;
    }
    return last.present() ? alias : null;
  }

  /** A write found the alias gone (the swap removed it): stop writing through it without waiting for the interval. */
  void gone() {
    seen = new Seen(clock.instant(), false);
  }
}
