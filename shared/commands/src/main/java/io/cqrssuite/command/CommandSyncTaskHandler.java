package io.cqrssuite.command;

import io.cqrssuite.bus.EventHandler;
import io.cqrssuite.bus.HandlerOutcome;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.failure.FailureKind;
import io.cqrssuite.failure.PermanentException;
import io.cqrssuite.failure.TransientException;
import io.cqrssuite.sync.ChangeIntake;
import io.cqrssuite.sync.DataSyncDispatcher;
import java.util.Map;

/**
 * Runs the sync step of one command for its workflow ({@link CommandSyncTask}): reads the command by its key (from the
 * command table; once TTL removed it, from the history or data table), writes the data and history tables, then every read
 * model. Nothing waits for the previous version: the version guards order the writes, so executions of one entity may
 * finish in any order.
 *
 * <p>A failure is thrown with its kind: transient ({@code CqrsSuite.TransientError}, which the state's {@code Retry}
 * takes) or permanent ({@code CqrsSuite.PermanentError}, caught into the dead letters). It is never compensated: the
 * command stays committed and a replay runs the same step forward.
 */
final class CommandSyncTaskHandler implements EventHandler<CommandSyncTask> {
  private final CommandService commands;
  private final CommandIntake intake;
  private final DataSyncDispatcher readModels;
  private final CommandTables tables;

  public CommandSyncTaskHandler(CommandService commands, CommandIntake intake, DataSyncDispatcher readModels, CommandTables tables) {
    this.commands = commands;
    this.intake = intake;
    this.readModels = readModels;
    this.tables = tables;
  }

  @Override
  public Class<CommandSyncTask> eventType() {
    return CommandSyncTask.class;
  }

  @Override
  public Object handle(CommandSyncTask task) {
    if (!tables.command().equals(task.table())) {
      throw new PermanentException("the command sync task names table " + task.table() + ", but this function syncs " + tables.command());
    }
    // The latest version, once TTL removed its command item, lives on only in the data table (a late replay).
    StoredCommand command = commands.get(task.pk(), task.code(), task.version())
        .or(() -> commands.latest(task.pk(), task.code()).filter(latest -> latest.version() == task.version()))
        .orElseThrow(() -> new PermanentException("command " + task.pk() + "#" + CommandKeys.versioned(task.code(), task.version())
            + " is in none of " + tables.command() + ", " + tables.history() + " and " + tables.data()));
    ChangeRecord change = new ChangeRecord(
        task.table(), task.pk(), task.code(), ChangeRecord.idOf(task.pk(), task.code()), command.version(), command.deleted(), command.image());
    ChangeIntake.Intake taken = intake.apply(change);
    HandlerOutcome outcome = readModels.project(taken.change().orElseThrow(), taken.done());
    if (outcome == null) {
      return taken.done();
    }
    if (outcome instanceof HandlerOutcome.Failed failed) {
      throw failed.kind() == FailureKind.PERMANENT
          ? asPermanent(failed.error())
          : asTransient(failed.error());
    }
    return Map.of("id", change.id(), "version", change.version(), "synced", ((HandlerOutcome.Succeeded) outcome).result());
  }

  private static RuntimeException asPermanent(Throwable error) {
    return error instanceof PermanentException p ? p : new PermanentException(String.valueOf(error.getMessage()), error);
  }

  private static RuntimeException asTransient(Throwable error) {
    return error instanceof TransientException t ? t : new TransientException(String.valueOf(error.getMessage()), error);
  }
}
