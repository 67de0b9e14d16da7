package io.cqrssuite.catalog.operations;

import io.cqrssuite.operations.Reconciler;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * How the operations function resyncs and reconciles, from its environment.
 *
 * <ul>
 *   <li>{@value #SOURCE_TABLE}: the DynamoDB table the read models are rebuilt from and compared with (default: the
 *       command side's data table, {@code SUITE_COMMAND_DATA_TABLE}); its mapping is the one the sync uses
 *       ({@code SUITE_TABLE_MAPPINGS}).
 *   <li>{@value #CHANGED_ATTRIBUTE}: the item attribute with its change time, ISO-8601 (default {@code updatedAt}):
 *       what a resync's {@code since} and the reconcile's settling window read.
 *   <li>{@value #CHECKPOINT_TABLE}: the resync checkpoints' table (needed by {@code resync-segment});
 *       {@value #CHECKPOINT_DAYS}: how long a checkpoint outlives its last save (default 14 days).
 *   <li>{@value #TIME_MARGIN_MS}: a resync turn takes no new page once the invocation has less than this left
 *       (default 120000: a page of 1 MB written to every read model fits in it with room to spare).
 *   <li>{@value #RECONCILE_MODE} ({@code full}, {@code sampled}, {@code counts}; default {@code full}),
 *       {@value #RECONCILE_SEGMENTS} (default 4), {@value #RECONCILE_YOUNGER_THAN_SECONDS} (default 300: a difference
 *       whose source changed less than this ago is the live sync's, not a fault), {@value #RECONCILE_HEAL}
 *       ({@code true} heals what it finds, orphans excepted; default {@code false}: reconcile writes nothing).
 * </ul>
 */
public record OperationsSettings(
    String sourceTable,
    String changedAttribute,
    String checkpointTable,
    Duration checkpointsKeptFor,
    Duration timeMargin,
    Reconciler.Mode reconcileMode,
    int reconcileSegments,
    Duration reconcileYoungerThan,
    boolean heal) {
  public static final String SOURCE_TABLE = "SUITE_OPERATIONS_SOURCE_TABLE";
  public static final String CHANGED_ATTRIBUTE = "SUITE_OPERATIONS_CHANGED_ATTRIBUTE";
  public static final String CHECKPOINT_TABLE = "SUITE_RESYNC_CHECKPOINT_TABLE";
  public static final String CHECKPOINT_DAYS = "SUITE_RESYNC_CHECKPOINT_DAYS";
  public static final String TIME_MARGIN_MS = "SUITE_RESYNC_TIME_MARGIN_MS";
  public static final String RECONCILE_MODE = "SUITE_RECONCILE_MODE";
  public static final String RECONCILE_SEGMENTS = "SUITE_RECONCILE_SEGMENTS";
  public static final String RECONCILE_YOUNGER_THAN_SECONDS = "SUITE_RECONCILE_IGNORE_YOUNGER_THAN_SECONDS";
  public static final String RECONCILE_HEAL = "SUITE_RECONCILE_HEAL";
  private static final String DATA_TABLE = "SUITE_COMMAND_DATA_TABLE";

  /** Reads the settings; a value that is not what its variable takes is refused with the variable's name. */
  public static OperationsSettings fromEnvironment(Map<String, String> env) {
    String source = env.getOrDefault(SOURCE_TABLE, env.get(DATA_TABLE));
    return new OperationsSettings(
        blankToNull(source),
        env.getOrDefault(CHANGED_ATTRIBUTE, "updatedAt"),
        blankToNull(env.get(CHECKPOINT_TABLE)),
        Duration.ofDays(number(env, CHECKPOINT_DAYS, 14, 1)),
        Duration.ofMillis(number(env, TIME_MARGIN_MS, 120_000, 0)),
        mode(env.getOrDefault(RECONCILE_MODE, "full")),
        (int) number(env, RECONCILE_SEGMENTS, 4, 1),
        Duration.ofSeconds(number(env, RECONCILE_YOUNGER_THAN_SECONDS, 300, 0)),
        flag(env.getOrDefault(RECONCILE_HEAL, "false")));
  }

  /** The source table, or a clear refusal when neither variable names one. */
  public String requireSourceTable() {
    if (sourceTable == null) {
      throw new IllegalStateException(
          SOURCE_TABLE + " (or " + DATA_TABLE + ") is not set: the operations function has no source table to read");
    }
    return sourceTable;
  }

  /** The checkpoint table, or a clear refusal: a resync turn without one could not be resumed. */
  public String requireCheckpointTable() {
    if (checkpointTable == null) {
      throw new IllegalStateException(CHECKPOINT_TABLE + " is not set: a resync segment has nowhere to keep its checkpoint");
    }
    return checkpointTable;
  }

  private static long number(Map<String, String> env, String name, long fallback, long least) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(value.trim());
      if (parsed < least) {
        throw new IllegalArgumentException(name + " must be at least " + least + ", found " + value);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, found '" + value + "'", e);
    }
  }

  private static Reconciler.Mode mode(String value) {
    try {
      return Reconciler.Mode.valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(RECONCILE_MODE + " must be full, sampled or counts, found '" + value + "'", e);
    }
  }

  private static boolean flag(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(RECONCILE_HEAL + " must be true or false, found '" + value + "'");
    };
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
