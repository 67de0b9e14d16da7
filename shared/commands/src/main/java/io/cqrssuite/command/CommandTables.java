package io.cqrssuite.command;

import io.cqrssuite.entity.CodeRule;
import io.cqrssuite.entity.EntityMapping;
import io.cqrssuite.entity.TableMapping;
import io.cqrssuite.entity.VersionSource;
import java.util.List;

/**
 * The three DynamoDB tables of one module (all keyed {@code pk} + {@code sk}): {@code command}, the immutable log
 * ({@code sk = code@0000000012}); {@code data}, the latest state ({@code sk = code}); {@code history}, the previous
 * states ({@code sk = code@0000000012}). Which table is which comes from configuration ({@code SUITE_COMMAND_TABLE}
 * and its companions), never from a name: the stream side reads the tables through their {@link TableMapping}s
 * ({@link #tableMappings}).
 */
public record CommandTables(String command, String data, String history) {
  public CommandTables {
    require(command, "command");
    require(data, "data");
    require(history, "history");
    if (command.equals(data) || command.equals(history) || data.equals(history)) {
      throw new IllegalArgumentException(
          "the command, data and history tables must be three tables, found " + command + ", " + data + ", " + history);
    }
  }

  /** {@code <base>-command}, {@code <base>-data}, {@code <base>-history}, e.g. {@code dev-catalog-product}. */
  public static CommandTables named(String base) {
    if (base == null || base.isBlank()) {
      throw new IllegalArgumentException("a module's table base name must not be blank");
    }
    return new CommandTables(base + "-command", base + "-data", base + "-history");
  }

  /**
   * The data and history tables named after the command table, when they are not configured: {@code x-command}
   * (or {@code x_command}) gives {@code x-data} and {@code x-history}. Any other name needs them named.
   */
  public static CommandTables fromCommandTable(String command) {
    require(command, "command");
    if (!command.endsWith("-command") && !command.endsWith("_command")) {
      throw new IllegalArgumentException(
          "the data and history tables cannot be named after command table '" + command + "' (it does not end in"
              + " -command or _command): set " + CommandSettings.DATA_TABLE + " and " + CommandSettings.HISTORY_TABLE);
    }
    String base = command.substring(0, command.length() - "command".length());
    return new CommandTables(command, base + "data", base + "history");
  }

  /**
   * How the stream side reads these tables, for an entity type: the command table keyed {@code pk}/{@code sk} with the
   * code before the last {@code @}, its removals housekeeping (TTL cleaning old versions); the data table keyed
   * {@code pk}/{@code sk} with the whole sort key as code, its removals deletes; both with the integer
   * {@code version} and the {@code isDeleted} flag. The history table is not an entity source.
   */
  public List<TableMapping> tableMappings(String type) {
    return List.of(
        TableMapping.builder(command)
            .entity(EntityMapping.keyPair(type, "pk", "sk", new CodeRule.BeforeLast("@"), new VersionSource.IntegerAttribute("version")))
            .removesAreHousekeeping()
            .deletedFlag("isDeleted")
            .build(),
        TableMapping.builder(data)
            .entity(EntityMapping.keyPair(type, "pk", "sk", new CodeRule.Whole(), new VersionSource.IntegerAttribute("version")))
            .deletedFlag("isDeleted")
            .build());
  }

  private static void require(String name, String role) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("the " + role + " table name must not be blank");
    }
  }
}
