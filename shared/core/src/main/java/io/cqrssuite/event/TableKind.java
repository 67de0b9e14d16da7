package io.cqrssuite.event;

import java.util.Locale;

/**
 * The role of a DynamoDB table in the command/data/history layout, read from its name's suffix
 * ({@code product-command}, {@code product_data}, {@code catalog-product-history}). A table that follows no
 * convention is treated as a data table: one item per entity, {@code sk} is the code.
 */
public enum TableKind {
  /** Immutable, versioned commands: {@code sk = code@0000000012}; a REMOVE here is housekeeping, never a delete. */
  COMMAND,
  /** Latest state per entity: {@code sk = code}. */
  DATA,
  /** Previous states: {@code sk = code@version}; not an entity change of its own. */
  HISTORY;

  public static TableKind of(String tableName) {
    String name = tableName == null ? "" : tableName.toLowerCase(Locale.ROOT);
    if (name.endsWith("-command") || name.endsWith("_command")) {
      return COMMAND;
    }
    if (name.endsWith("-history") || name.endsWith("_history")) {
      return HISTORY;
    }
    return DATA;
  }
}
