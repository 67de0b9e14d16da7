package com.example.starter.todo;

import io.cqrssuite.bus.EventHandler;
import io.cqrssuite.failure.PermanentException;
import io.cqrssuite.logging.StructuredLog;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import javax.inject.Inject;

/**
 * Takes {@code TODO_ADDED} and {@code TODO_COMPLETED}: checks each against the to-do rules and decides what it
 * asks of the list. A message that breaks a rule can never succeed, so it is refused with a
 * {@link PermanentException}: its record alone is reported in {@code batchItemFailures}, SQS redelivers it until
 * {@code maxReceiveCount} moves it to the queue's dead-letter queue, and the messages beside it are not held up.
 *
 * <p>The decision is the handler's result (the bus reports it per record). Writing it to the {@code todo} DynamoDB
 * table, with {@code version} one higher than the item's, is the part a real function adds here; the table's
 * stream then comes back to this function and the suite syncs it into PostgreSQL.
 */
public final class TodoHandler implements EventHandler<TodoEvent> {
  /** Ids are used in keys ({@code TODO#<listId>}, {@code sk = <todoId>}): short, and no {@code #}. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  static final int MAX_TITLE_LENGTH = 200;

  private final StructuredLog log;

  @Inject
  public TodoHandler(StructuredLog log) {
    this.log = log;
  }

  @Override
  public Class<TodoEvent> eventType() {
    return TodoEvent.class;
  }

  @Override
  public Map<String, Object> handle(TodoEvent event) {
    requireId("listId", event.listId());
    requireId("todoId", event.todoId());
    Map<String, Object> decision = new LinkedHashMap<>();
    decision.put("pk", "TODO#" + event.listId());
    decision.put("sk", event.todoId());
    if (event instanceof TodoAdded added) {
      String title = added.title() == null ? "" : added.title().strip();
      if (title.isEmpty()) {
        throw new PermanentException("TODO_ADDED " + event.todoId() + " has no title");
      }
      if (title.length() > MAX_TITLE_LENGTH) {
        throw new PermanentException(
            "TODO_ADDED " + event.todoId() + " has a title of " + title.length() + " characters, over "
                + MAX_TITLE_LENGTH);
      }
      decision.put("action", "ADD");
      decision.put("title", title);
    } else if (event instanceof TodoCompleted) {
      decision.put("action", "COMPLETE");
    }
    log.info("to-do accepted", decision);
    return decision;
  }

  private static void requireId(String field, String value) {
    if (value == null || !ID.matcher(value).matches()) {
      throw new PermanentException(
          field + " must be 1 to 64 letters, digits, '-' or '_', found " + (value == null ? "none" : "'" + value + "'"));
    }
  }
}
