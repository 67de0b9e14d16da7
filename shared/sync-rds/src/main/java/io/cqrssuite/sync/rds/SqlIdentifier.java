package io.cqrssuite.sync.rds;

import java.util.regex.Pattern;

/**
 * A table or column name that may be written into SQL text. Values are always bound parameters, but identifiers
 * cannot be, so every one passes this shape check (lower case, no quoting, at most 63 characters: PostgreSQL's
 * limit) and, before use, {@link SchemaAllowList}'s check that it exists in the live schema (contract §7).
 */
record SqlIdentifier(String value) {
  private static final Pattern SHAPE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  SqlIdentifier {
    require(value, "identifier");
  }

  /**
   * Returns {@code name} if it has the allowed shape.
   *
   * @param role what the name is for ("table", "column"), for the message
   * @throws IllegalArgumentException naming the refused identifier
   */
  static String require(String name, String role) {
    if (name == null || !SHAPE.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "refused SQL " + role + " name '" + name + "': it must match " + SHAPE.pattern()
              + " (lower-case letters, digits and '_', unquoted)");
    }
    return name;
  }
}
