package com.example.starter;

import com.example.starter.todo.TodoHandler;
import com.example.starter.todo.TodoMessages;
import com.example.starter.todo.TodoTable;
import com.fasterxml.jackson.databind.ObjectMapper;
import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
import io.cqrssuite.bus.EventHandler;
import io.cqrssuite.config.Environment;
import io.cqrssuite.entity.TableMapping;
import io.cqrssuite.factory.EventFactory;
import io.cqrssuite.factory.RoutingEventFactory;
import io.cqrssuite.sync.rds.RdsTableMapping;
import java.util.Map;

/**
 * This function's routes, handlers and read model. Nothing is discovered at run time: what is not bound here does
 * not exist.
 *
 * <ul>
 *   <li>SQS messages of type {@code TODO_ADDED} and {@code TODO_COMPLETED} become {@code TodoAdded} and
 *       {@code TodoCompleted} events, which {@link TodoHandler} takes;
 *   <li>the {@code todo} table's stream records are not routed: they reach the suite's data sync as they come, its
 *       table mapping makes them to-do changes, and {@code RdsSyncModule} writes them into the {@code todo} table
 *       of PostgreSQL through {@link TodoTable}.
 * </ul>
 */
@Module
public interface StarterModule {
  @Provides
  static EventFactory eventFactory(ObjectMapper mapper) {
    TodoMessages messages = new TodoMessages(mapper);
    return RoutingEventFactory.builder()
        .sqsMessageType(TodoMessages.TODO_ADDED, messages::added)
        .sqsMessageType(TodoMessages.TODO_COMPLETED, messages::completed)
        .build();
  }

  @Binds
  @IntoSet
  EventHandler<?> todos(TodoHandler handler);

  /** The DynamoDB table's items are to-dos: its name from {@code TODO_TABLE}, the samples' {@code todo} when unset. */
  @Provides
  @IntoSet
  static TableMapping todoItems(@Environment Map<String, String> env) {
    return TodoTable.items(env.getOrDefault(TodoTable.TABLE_VARIABLE, "todo"));
  }

  @Provides
  @IntoSet
  static RdsTableMapping todoTable() {
    return TodoTable.mapping();
  }
}
