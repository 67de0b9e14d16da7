package io.cqrssuite.example.imports;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.command.CommandService;
import io.cqrssuite.command.NewCommand;
import io.cqrssuite.command.PublishResult;

/** Product commands through the suite's {@link CommandService}: each row a full image at the next version. */
public final class CommandServiceProductCommands implements ProductCommands {
  private final CommandService commands;

  public CommandServiceProductCommands(CommandService commands) {
    this.commands = commands;
  }

  @Override
  public PublishResult publish(ObjectNode image) {
    return commands.publish(NewCommand.of(image.path("pk").asText(), image.path("code").asText(), image));
  }
}
