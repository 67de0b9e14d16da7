package io.cqrssuite.sync.rds;

import java.util.Map;

/**
 * A mapping whose table and columns were found in the live schema, with the statement built from those checked
 * names only. Only this type reaches SQL text.
 */
record VerifiedTable(RdsTableMapping mapping, RowLayout layout, Map<String, ColumnInfo> columns, String upsertSql) {
  VerifiedTable {
    columns = Map.copyOf(columns);
  }

  String name() {
    return mapping.table();
  }

  /** The declared maximum length of a character column, or {@code null}. */
  Long maxCharacters(String column) {
    ColumnInfo info = columns.get(column);
    return info == null ? null : info.maxCharacters();
  }
}
