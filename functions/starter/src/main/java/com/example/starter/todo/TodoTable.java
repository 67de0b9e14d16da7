package com.example.starter.todo;

import io.cqrssuite.entity.CodeRule;
import io.cqrssuite.entity.EntityMapping;
import io.cqrssuite.entity.TableMapping;
import io.cqrssuite.entity.VersionSource;
import io.cqrssuite.sync.ChangeSelector;
import io.cqrssuite.sync.rds.RdsColumn;
import io.cqrssuite.sync.rds.RdsColumnType;
import io.cqrssuite.sync.rds.RdsTableMapping;
import java.util.List;

/**
 * The to-do items: which stream changes are to-dos ({@link #items}), and the relational read model they feed
 * ({@link #mapping}). Items of the {@code todo} DynamoDB table ({@code pk = TODO#<listId>},
 * {@code sk = <todoId>}, a numeric {@code version}) become rows of the {@code todo} table of
 * {@code db/migration/postgresql/V1__todo.sql}. The suite fills {@code id} ({@code pk#sk}), {@code pk},
 * {@code code} ({@code sk}), {@code version}, {@code is_deleted} and {@code synced_at} itself; the columns below
 * come from the item's attributes, and every attribute without a column of its own lands in {@code attributes}.
 */
public final class TodoTable {
  /** The DynamoDB table's name, as the template sets it; the samples' {@code todo} when unset. */
  public static final String TABLE_VARIABLE = "TODO_TABLE";
  /** The entity type the table mapping gives the items, and the rows select. */
  public static final String TYPE = "todo";

  private TodoTable() {}

  /**
   * The DynamoDB table's mapping: a to-do is keyed {@code pk}/{@code sk} (the whole {@code sk} is its code) and
   * versioned by its integer {@code version}; a {@code REMOVE} deletes it.
   */
  public static TableMapping items(String table) {
    return TableMapping.of(
        table, EntityMapping.keyPair(TYPE, "pk", "sk", new CodeRule.Whole(), new VersionSource.IntegerAttribute("version")));
  }

  public static RdsTableMapping mapping() {
    return new RdsTableMapping(
        "todo",
        List.of(
            RdsColumn.of("list_id", "listId", RdsColumnType.TEXT),
            RdsColumn.of("title", "title", RdsColumnType.TEXT),
            RdsColumn.of("done", "done", RdsColumnType.BOOLEAN),
            RdsColumn.of("completed_at", "completedAt", RdsColumnType.TIMESTAMP),
            RdsColumn.of("created_at", "createdAt", RdsColumnType.TIMESTAMP),
            RdsColumn.of("updated_at", "updatedAt", RdsColumnType.TIMESTAMP),
            RdsColumn.remainingAttributes("attributes")),
        ChangeSelector.EntityType.of(TYPE));
  }
}
