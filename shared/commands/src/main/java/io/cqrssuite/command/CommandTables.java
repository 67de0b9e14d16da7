package io.cqrssuite.command;

import io.cqrssuite.event.TableKind;

/**
 * The three DynamoDB tables of one module (all keyed {@code pk} + {@code sk}): {@code command}, the immutable log
 * ({@code sk = code@0000000012}); {@code data}, the latest state ({@code sk = code}); {@code history}, the previous
 * states ({@code sk = code@0000000012}). Each name must end in its role ({@code -command} / {@code _command}, ...):
 * the stream side tells a table's role by that suffix ({@link TableKind}).
 */
public record CommandTables(String command, String data, String history) {
  public CommandTables {
    require(command, TableKind.COMMAND, "command");
    require(data, TableKind.DATA, "data");
    require(history, TableKind.HISTORY, "history");
  }

  /** {@code <base>-command}, {@code <base>-data}, {@code <base>-history}, e.g. {@code dev-catalog-product}. */
  public static CommandTables named(String base) {
    if (base == null || base.isBlank()) {
      throw new IllegalArgumentException("a module's table base name must not be blank");
    }
    return new CommandTables(base + "-command", base + "-data", base + "-history");
  }

  /** The data and history tables named after the command table: {@code x-command} gives {@code x-data}, {@code x-history}. */
  public static CommandTables fromCommandTable(String command) {
    require(command, TableKind.COMMAND, "command");
    String base = command.substring(0, command.length() - "command".length());
    return new CommandTables(command, base + "data", base + "history");
  }

  private static void require(String name, TableKind kind, String role) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("the " + role + " table name must not be blank");
    }
    if (TableKind.of(name) != kind || (kind == TableKind.DATA && !(name.endsWith("-data") || name.endsWith("_data")))) {
      throw new IllegalArgumentException(
          "the " + role + " table name must end in -" + role + " or _" + role + " (the stream side tells a table's role by it), found '" + name + "'");
    }
  }
}
