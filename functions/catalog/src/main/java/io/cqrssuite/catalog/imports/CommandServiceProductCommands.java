package io.cqrssuite.catalog.imports;

import io.cqrssuite.command.SourceVersion;
import io.cqrssuite.aws.internal.OnFirstUse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.command.CommandService;
import io.cqrssuite.command.NewCommand;
import io.cqrssuite.command.PublishResult;
import java.util.function.Supplier;

/** Product commands through the suite's {@link CommandService}: each row a full image at the next version. */
public final class CommandServiceProductCommands implements ProductCommands {
  private final Supplier<CommandService> commands;

  /** {@code commands} is called once, at the first row: a function that never imports builds no client for it. */
  public CommandServiceProductCommands(Supplier<CommandService> commands) {
    this.commands = new OnFirstUse<>(commands);
  }

  @Override
  public PublishResult publish(ObjectNode image, SourceVersion source) {
    return commands.get().publish(NewCommand.of(image.path("pk").asText(), image.path("code").asText(), image).from(source));
  }
}
