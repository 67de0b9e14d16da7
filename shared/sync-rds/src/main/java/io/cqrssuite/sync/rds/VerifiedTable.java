package io.cqrssuite.sync.rds;

import java.util.Map;
import java.util.Set;

/**
 * A mapping whose table and columns were found in the live schema, with the statement built from those checked
 * names only. Only this type reaches SQL text.
 *
 * @param mappedAttributes the attributes a remaining-attributes column leaves out, computed once per checked table
 *     rather than once per change (it was a new set per row, the row projection's largest cost)
 */
record VerifiedTable(
    RdsTableMapping mapping, RowLayout layout, Map<String, ColumnInfo> columns, String upsertSql, Set<String> mappedAttributes) {
  VerifiedTable {
    columns = Map.copyOf(columns);
    mappedAttributes = Set.copyOf(mappedAttributes);
  }

  VerifiedTable(RdsTableMapping mapping, RowLayout layout, Map<String, ColumnInfo> columns, String upsertSql) {
    this(mapping, layout, columns, upsertSql, mapping.mappedAttributes());
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
