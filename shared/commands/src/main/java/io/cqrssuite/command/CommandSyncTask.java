package io.cqrssuite.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.cqrssuite.event.DomainEvent;
import io.cqrssuite.event.EventSource;
import io.cqrssuite.event.InvalidEventException;
import io.cqrssuite.event.TaskEvent;

/**
 * The task of a command's sync workflow ({@code infra/statemachine/command-sync.asl.json}): a {@link TaskEvent} of type
 * {@value #TYPE} whose input names one command by its key, {@code {"table", "pk", "code", "version"}}. The task reads
 * the command itself, so the execution input stays small whatever the image's size.
 */
public record CommandSyncTask(String eventId, String table, String pk, String code, long version) implements DomainEvent {
  public static final String TYPE = "COMMAND_SYNC";

  /**
   * @throws InvalidEventException the input lacks a key part or an integral version
   */
  public static CommandSyncTask of(TaskEvent task) {
    JsonNode input = task.input();
    JsonNode version = input == null ? null : input.get("version");
    if (version == null || !version.canConvertToExactIntegral() || version.longValue() < 1) {
      throw new InvalidEventException("input.version", "a command sync task needs the command's version (a positive integer), found " + version);
    }
    return new CommandSyncTask(task.eventId(), text(input, "table"), text(input, "pk"), text(input, "code"), version.longValue());
  }

  @Override
  public EventSource source() {
    return EventSource.STEP_FUNCTIONS;
  }

  private static String text(JsonNode input, String field) {
    JsonNode value = input.get(field);
    if (value == null || !value.isTextual() || value.textValue().isEmpty()) {
      throw new InvalidEventException("input." + field, "a command sync task needs a non-empty string, found " + value);
    }
    return value.textValue();
  }
}
