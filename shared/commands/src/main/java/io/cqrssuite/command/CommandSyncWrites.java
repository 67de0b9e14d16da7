package io.cqrssuite.command;

import io.cqrssuite.config.SettingsReader;
import java.util.Map;

/**
 * How the batched command sync ({@link CommandBatchSync}) writes the data and history tables, from
 * {@value #VARIABLE}:
 *
 * <ul>
 *   <li>{@code auto} (default): transactions, until the engine answers that it has none (dynalite, some emulators):
 *       conditional puts from then on, for the life of the process;
 *   <li>{@code transactions}: {@code TransactWriteItems} only, up to 100 puts per call; an engine without them fails
 *       the batch, whose records are then synced one by one;
 *   <li>{@code conditional-puts}: one conditional {@code PutItem} per item, the fewest capacity units (a
 *       transactional write costs twice a plain one).
 * </ul>
 */
public enum CommandSyncWrites {
  AUTO,
  TRANSACTIONS,
  CONDITIONAL_PUTS;

  public static final String VARIABLE = "SUITE_COMMAND_SYNC_WRITES";

  public static CommandSyncWrites fromEnvironment(Map<String, String> env) {
    return switch (new SettingsReader(env).choice(VARIABLE, "auto", "auto", "transactions", "conditional-puts")) {
      case "transactions" -> TRANSACTIONS;
      case "conditional-puts" -> CONDITIONAL_PUTS;
      default -> AUTO;
    };
  }
}
