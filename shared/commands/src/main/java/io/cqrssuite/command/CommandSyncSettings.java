package io.cqrssuite.command;

import io.cqrssuite.config.SettingsReader;
import java.util.Map;

/**
 * How the command stream reaches the data and history tables and the read models, read once from the environment:
 *
 * <ul>
 *   <li>{@code SUITE_COMMAND_SYNC_MODE}: {@code direct} (default) syncs each command inside the stream invocation,
 *       the lowest latency; {@code workflow} starts one STANDARD Step Functions execution per command, named after
 *       the command, whose task runs the same sync (retries and a catch to the dead letters in the state machine);
 *   <li>{@code SUITE_COMMAND_SYNC_STATE_MACHINE_ARN}: the state machine of {@code workflow} mode, required there.
 * </ul>
 *
 * @param stateMachineArn {@code null} in direct mode
 */
public record CommandSyncSettings(Mode mode, String stateMachineArn) {
  public static final String MODE = "SUITE_COMMAND_SYNC_MODE";
  public static final String STATE_MACHINE_ARN = "SUITE_COMMAND_SYNC_STATE_MACHINE_ARN";

  /** Where the sync step of a command runs. */
  public enum Mode {
    DIRECT,
    WORKFLOW
  }

  public static final CommandSyncSettings DIRECT = new CommandSyncSettings(Mode.DIRECT, null);

  public CommandSyncSettings {
    if (mode == null) {
      throw new IllegalArgumentException("a command sync mode must be given");
    }
    if (mode == Mode.WORKFLOW && (stateMachineArn == null || !stateMachineArn.contains(":stateMachine:"))) {
      throw new IllegalArgumentException(
          MODE + "=workflow needs " + STATE_MACHINE_ARN + " (a state machine ARN), found '" + stateMachineArn + "'");
    }
  }

  public static CommandSyncSettings fromEnvironment(Map<String, String> env) {
    SettingsReader settings = new SettingsReader(env);
    String arn = settings.text(STATE_MACHINE_ARN).orElse(null);
    return switch (settings.choice(MODE, "direct", "direct", "workflow")) {
      case "workflow" -> new CommandSyncSettings(Mode.WORKFLOW, arn);
      default -> new CommandSyncSettings(Mode.DIRECT, arn);
    };
  }
}
