package io.cqrssuite.catalog.operations;

import io.cqrssuite.operations.ReadModelBackfill;
import java.time.Duration;
import java.util.Map;

/**
 * How the deployed backfill keeps what it replaces, from the operations function's environment:
 * {@value #KEEP_OLD_DAYS} (default 7) is the horizon recorded on the replaced index, how long a rollback to it stays
 * possible before a clean may delete it. The other choices are the library's defaults ({@link
 * ReadModelBackfill.Options#defaults}): a discovery margin of 5 s, 3 reconcile passes with heal.
 */
public record BackfillSettings(Duration keepOld) {
  public static final String KEEP_OLD_DAYS = "SUITE_BACKFILL_KEEP_OLD_DAYS";

  public static BackfillSettings fromEnvironment(Map<String, String> env) {
    String value = env.get(KEEP_OLD_DAYS);
    if (value == null || value.isBlank()) {
      return new BackfillSettings(Duration.ofDays(7));
    }
    try {
      long days = Long.parseLong(value.trim());
      if (days < 1) {
        throw new IllegalArgumentException(KEEP_OLD_DAYS + " must be at least 1 (days), found " + value);
      }
      return new BackfillSettings(Duration.ofDays(days));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(KEEP_OLD_DAYS + " must be a whole number of days, found '" + value + "'", e);
    }
  }

  /** The library's options for a run of {@code segments} scan segments, with this horizon and the source's change time. */
  public ReadModelBackfill.Options options(int segments, String changedAttribute) {
    ReadModelBackfill.Options defaults = ReadModelBackfill.Options.defaults(segments);
    return new ReadModelBackfill.Options(
        segments, keepOld, defaults.discoveryMargin(), defaults.reconcilePasses(), changedAttribute, defaults.sinceMargin());
  }
}
