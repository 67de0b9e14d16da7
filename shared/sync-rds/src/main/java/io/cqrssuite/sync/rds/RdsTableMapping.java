package io.cqrssuite.sync.rds;

import io.cqrssuite.sync.ChangeSelector;
import io.cqrssuite.event.ChangeRecord;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How changes become rows of one table: which changes it takes ({@link #selector}) and which image attribute fills
 * which column. Every mapped table also has the fixed columns {@link #FIXED_COLUMNS}, filled from the
 * {@link ChangeRecord} itself: {@code id} (primary key), {@code pk}, {@code code}, {@code version},
 * {@code is_deleted}, {@code synced_at}.
 *
 * <p>Names are shape-checked here; {@link SchemaAllowList} checks that they exist before any SQL uses them.
 */
public record RdsTableMapping(String table, List<RdsColumn> columns, ChangeSelector selector) {
  /** Columns every mapped table has, in the order the upsert writes them around the mapped ones. */
  public static final List<String> FIXED_COLUMNS = List.of("id", "pk", "code", "version", "is_deleted", "synced_at");

  /** Image attributes that the fixed columns already carry, left out of a remaining-attributes column. */
  static final Set<String> IDENTITY_ATTRIBUTES = Set.of("pk", "sk", "id", "code", "version", "isDeleted");

  public RdsTableMapping {
    SqlIdentifier.require(table, "table");
    Objects.requireNonNull(selector, "selector");
    columns = List.copyOf(columns);
    Set<String> names = new HashSet<>(FIXED_COLUMNS);
    boolean remaining = false;
    for (RdsColumn column : columns) {
      if (!names.add(column.column())) {
        throw new IllegalArgumentException(
            "table '" + table + "' maps column '" + column.column() + "' twice, or over a fixed column "
                + FIXED_COLUMNS);
      }
      if (column.collectsRemaining()) {
        if (remaining) {
          throw new IllegalArgumentException("table '" + table + "' has more than one remaining-attributes column");
        }
        remaining = true;
      }
    }
  }

  public boolean accepts(ChangeRecord change) {
    return selector.accepts(change);
  }

  /** The attributes mapped by name, which a remaining-attributes column leaves out. */
  Set<String> mappedAttributes() {
    Set<String> attributes = new HashSet<>(IDENTITY_ATTRIBUTES);
    for (RdsColumn column : columns) {
      if (!column.collectsRemaining()) {
        attributes.add(column.attribute());
      }
    }
    return attributes;
  }
}
