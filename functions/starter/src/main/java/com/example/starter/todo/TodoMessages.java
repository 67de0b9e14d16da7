package com.example.starter.todo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.event.InvalidEventException;
import io.cqrssuite.event.SqsMessageEvent;

/**
 * Reads to-do messages into {@link TodoEvent}s: the routes of the function's {@code EventFactory}. The message type
 * is the {@code type} message attribute or, failing that, the body's top-level {@code type}; the body is a JSON
 * object such as {@code {"type":"TODO_ADDED","listId":"alice","todoId":"T-001","title":"Buy milk"}}.
 *
 * <p>Only the shape is checked here (a body that is not a JSON object is rejected with the reason); whether the
 * values make a valid to-do is the handler's decision.
 */
public final class TodoMessages {
  public static final String TODO_ADDED = "TODO_ADDED";
  public static final String TODO_COMPLETED = "TODO_COMPLETED";

  private final ObjectMapper mapper;

  public TodoMessages(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  public TodoAdded added(SqsMessageEvent message) {
    JsonNode body = body(message);
    return new TodoAdded(message.messageId(), text(body, "listId"), text(body, "todoId"), text(body, "title"));
  }

  public TodoCompleted completed(SqsMessageEvent message) {
    JsonNode body = body(message);
    return new TodoCompleted(message.messageId(), text(body, "listId"), text(body, "todoId"));
  }

  private JsonNode body(SqsMessageEvent message) {
    try {
      JsonNode body = mapper.readTree(message.body());
      if (body == null || !body.isObject()) {
        throw new InvalidEventException("body", "a to-do message must be a JSON object");
      }
      return body;
    } catch (JsonProcessingException e) {
      throw new InvalidEventException("body", "not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** A string field, or {@code null} when it is missing or not a string. */
  private static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    return value != null && value.isTextual() ? value.textValue() : null;
  }
}
