package io.cqrssuite.catalog.imports;

import io.cqrssuite.config.SettingsReader;
import java.util.Map;

/**
 * The CSV import's settings, read once from the environment:
 *
 * <ul>
 *   <li>{@code SUITE_IMPORT_STATE_MACHINE_ARN}: the import workflow; unset, a new CSV is logged and not imported;
 *   <li>{@code SUITE_IMPORT_CHUNK_ROWS} (default {@value #DEFAULT_CHUNK_ROWS}, measured: see the README): rows per
 *       chunk task;
 *   <li>{@code SUITE_IMPORT_MAX_CHUNKS} (default {@value #DEFAULT_MAX_CHUNKS}): more chunks than this and the file
 *       is refused, because the chunk list and results travel in the workflow's state (256 KiB);
 *   <li>{@code SUITE_IMPORT_MAX_CONCURRENCY} (default {@value #DEFAULT_MAX_CONCURRENCY}): chunks in flight at once,
 *       handed to the workflow's Map state;
 *   <li>{@code SUITE_IMPORT_PROGRESS_TABLE}: the table of import progress items; unset, progress is only logged;
 *   <li>{@code SUITE_IMPORT_INLINE_ERRORS} (default {@value #DEFAULT_INLINE_ERRORS}): rejected rows listed in a chunk's
 *       result; all of them are in its S3 report.
 * </ul>
 *
 * @param stateMachineArn {@code null} when imports are not started
 * @param progressTable {@code null} when progress is not stored
 */
public record ImportSettings(
    String stateMachineArn, int chunkRows, int maxChunks, int maxConcurrency, String progressTable, int inlineErrors) {
  public static final String STATE_MACHINE_ARN = "SUITE_IMPORT_STATE_MACHINE_ARN";
  public static final String CHUNK_ROWS = "SUITE_IMPORT_CHUNK_ROWS";
  public static final String MAX_CHUNKS = "SUITE_IMPORT_MAX_CHUNKS";
  public static final String MAX_CONCURRENCY = "SUITE_IMPORT_MAX_CONCURRENCY";
  public static final String PROGRESS_TABLE = "SUITE_IMPORT_PROGRESS_TABLE";
  public static final String INLINE_ERRORS = "SUITE_IMPORT_INLINE_ERRORS";
  public static final int DEFAULT_CHUNK_ROWS = 1_000;
  public static final int DEFAULT_MAX_CHUNKS = 1_000;
  public static final int DEFAULT_MAX_CONCURRENCY = 4;
  public static final int DEFAULT_INLINE_ERRORS = 5;

  public ImportSettings {
    positive(CHUNK_ROWS, chunkRows);
    positive(MAX_CHUNKS, maxChunks);
    positive(MAX_CONCURRENCY, maxConcurrency);
    if (inlineErrors < 0) {
      throw new IllegalArgumentException(INLINE_ERRORS + " must be 0 or positive, found " + inlineErrors);
    }
  }

  public static ImportSettings fromEnvironment(Map<String, String> env) {
    SettingsReader settings = new SettingsReader(env);
    return new ImportSettings(
        settings.text(STATE_MACHINE_ARN).orElse(null),
        settings.positiveInt(CHUNK_ROWS, DEFAULT_CHUNK_ROWS),
        settings.positiveInt(MAX_CHUNKS, DEFAULT_MAX_CHUNKS),
        settings.positiveInt(MAX_CONCURRENCY, DEFAULT_MAX_CONCURRENCY),
        settings.text(PROGRESS_TABLE).orElse(null),
        settings.nonNegativeInt(INLINE_ERRORS, DEFAULT_INLINE_ERRORS));
  }

  private static void positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be positive, found " + value);
    }
  }
}
