package io.cqrssuite.migrations;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One backup of the relational read model, as its manifest records it.
 *
 * @param id {@code <yyyyMMdd'T'HHmmss'Z'>-<random>}: sorts by time, and its time is what retention reads
 * @param schemaVersion Flyway's latest successful version at backup time, or {@code null} before the first migration
 * @param tables each backed-up table, Flyway's history table last
 * @param schemaTables every base table of the schema at backup time: a rollback drops what a failed migration created
 */
public record Backup(
    String id, String dialect, String schemaVersion, Instant startedAt, List<TableCopy> tables, List<String> schemaTables) {
  public Backup {
    tables = List.copyOf(tables);
    schemaTables = List.copyOf(schemaTables);
  }

  /**
   * One table's copy.
   *
   * @param absent the table did not exist at backup time (a restore drops it)
   * @param key the S3 key of its NDJSON file ({@code null} when absent)
   * @param sha256 the SHA-256 of the whole file, as its {@code .sha256} sidecar says
   */
  public record TableCopy(String table, boolean absent, long rows, String key, String sha256) {}

  public Optional<TableCopy> table(String name) {
    return tables.stream().filter(t -> t.table().equals(name)).findFirst();
  }
}
