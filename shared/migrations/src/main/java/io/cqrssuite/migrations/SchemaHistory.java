package io.cqrssuite.migrations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Flyway's history as a restore compares it: the live table's rows and a backup's, each row reduced to its rank,
 * version, checksum and outcome.
 */
final class SchemaHistory {
  /** One applied (or failed) migration. */
  record Entry(long rank, String version, String checksum, boolean success) {}

  private SchemaHistory() {}

  /** The live history, oldest first; empty when the table does not exist. */
  static List<Entry> live(Connection connection, EngineCatalog catalog) throws SQLException {
    if (!catalog.baseTables(connection).contains(EngineCatalog.HISTORY)) {
      return List.of();
    }
    List<Entry> entries = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(
            "SELECT installed_rank, version, checksum, success FROM " + catalog.quote(EngineCatalog.HISTORY)
                + " ORDER BY installed_rank")) {
      while (rows.next()) {
        entries.add(new Entry(rows.getLong(1), rows.getString(2), rows.getString(3), truth(rows.getString(4))));
      }
    }
    return entries;
  }

  /** The history a backup holds, oldest first. */
  static List<Entry> of(TableImage image, ObjectMapper mapper) throws Exception {
    List<String> columns = image.definition().columnNames();
    int rank = columns.indexOf("installed_rank");
    int version = columns.indexOf("version");
    int checksum = columns.indexOf("checksum");
    int success = columns.indexOf("success");
    if (rank < 0 || version < 0 || checksum < 0 || success < 0) {
      throw new BackupRefusedException("the backup's " + EngineCatalog.HISTORY + " lacks Flyway's columns: " + columns);
    }
    List<Entry> entries = new ArrayList<>();
    image.forEachRow(mapper, row -> entries.add(
        new Entry(row.get(rank).asLong(), text(row.get(version)), text(row.get(checksum)), truth(text(row.get(success))))));
    entries.sort((a, b) -> Long.compare(a.rank(), b.rank()));
    return entries;
  }

  /** The latest successful version, as Flyway's {@code info().current()} names it. */
  static Optional<String> currentVersion(List<Entry> entries) {
    String current = null;
    for (Entry entry : entries) {
      if (entry.success() && entry.version() != null) {
        current = entry.version();
      }
    }
    return Optional.ofNullable(current);
  }

  /** The first entry of {@code backup} that {@code live} does not hold at the same rank, or empty: a prefix. */
  static Optional<String> firstDivergence(List<Entry> backup, List<Entry> live) {
    for (int i = 0; i < backup.size(); i++) {
      Entry mine = backup.get(i);
      if (i >= live.size()) {
        return Optional.of("rank " + mine.rank() + " (version " + mine.version() + ") is not in the live history");
      }
      Entry theirs = live.get(i);
      if (mine.rank() != theirs.rank() || !Objects.equals(mine.version(), theirs.version())
          || !Objects.equals(mine.checksum(), theirs.checksum()) || (mine.success() && !theirs.success())) {
        return Optional.of("rank " + mine.rank() + ": the backup has version " + mine.version() + " (checksum "
            + mine.checksum() + "), the database version " + theirs.version() + " (checksum " + theirs.checksum() + ")");
      }
    }
    return Optional.empty();
  }

  private static String text(JsonNode value) {
    return value == null || value.isNull() ? null : value.asText();
  }

  private static boolean truth(String value) {
    return value != null && (value.equals("1") || value.equalsIgnoreCase("t") || value.equalsIgnoreCase("true"));
  }
}
