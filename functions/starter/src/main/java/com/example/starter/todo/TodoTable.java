package com.example.starter.todo;

import io.cqrssuite.sync.ChangeSelector;
import io.cqrssuite.sync.rds.RdsColumn;
import io.cqrssuite.sync.rds.RdsColumnType;
import io.cqrssuite.sync.rds.RdsTableMapping;
import java.util.List;

/**
 * The relational read model: items of the {@code todo} DynamoDB table ({@code pk = TODO#<listId>},
 * {@code sk = <todoId>}, a numeric {@code version}) become rows of the {@code todo} table of
 * {@code db/migration/postgresql/V1__todo.sql}. The suite fills {@code id} ({@code pk#sk}), {@code pk},
 * {@code code} ({@code sk}), {@code version}, {@code is_deleted} and {@code synced_at} itself; the columns below
 * come from the item's attributes, and every attribute without a column of its own lands in {@code attributes}.
 */
public final class TodoTable {
  private TodoTable() {}

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
        new ChangeSelector.PkPrefix("TODO#"));
  }
}
