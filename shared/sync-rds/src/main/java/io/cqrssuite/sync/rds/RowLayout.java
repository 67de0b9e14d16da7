package io.cqrssuite.sync.rds;

import java.util.ArrayList;
import java.util.List;

/**
 * The columns of one table's upsert, in statement order: {@code id, pk, code}, the mapped columns, then
 * {@code synced_at, is_deleted, version}. The guard columns come last because MySQL/MariaDB run
 * {@code ON DUPLICATE KEY UPDATE} assignments left to right and later ones see the earlier results: every column
 * must be decided while {@code is_deleted} and {@code version} still hold the stored values (contract §2).
 */
record RowLayout(String table, List<Slot> slots) {
  /** One bound parameter: its column and how its value was converted. */
  record Slot(String column, RdsColumnType type) {}

  /** The slot of the first mapped column: after {@code id, pk, code}. */
  static final int FIRST_MAPPED_SLOT = 3;

  RowLayout {
    slots = List.copyOf(slots);
  }

  static RowLayout of(RdsTableMapping mapping) {
    List<Slot> slots = new ArrayList<>();
    slots.add(new Slot("id", RdsColumnType.TEXT));
    slots.add(new Slot("pk", RdsColumnType.TEXT));
    slots.add(new Slot("code", RdsColumnType.TEXT));
    for (RdsColumn column : mapping.columns()) {
      slots.add(new Slot(column.column(), column.type()));
    }
    slots.add(new Slot("synced_at", RdsColumnType.TIMESTAMP));
    slots.add(new Slot("is_deleted", RdsColumnType.BOOLEAN));
    slots.add(new Slot("version", RdsColumnType.BIGINT));
    return new RowLayout(mapping.table(), slots);
  }

  List<String> columnNames() {
    return slots.stream().map(Slot::column).toList();
  }
}
