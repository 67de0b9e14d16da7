package io.cqrssuite.sync.rds;

import java.util.Objects;

/**
 * One mapped column: which image attribute fills it and how the value is converted. An attribute missing from the
 * image (or JSON {@code null}) writes SQL {@code NULL}: the image is the entity's full state (contract §1), so a
 * missing attribute is a removed one.
 *
 * @param column the column name, checked against the allow-list
 * @param attribute the image attribute, or {@link #REMAINING_ATTRIBUTES} for a JSON column holding every attribute
 *     no other column maps
 */
public record RdsColumn(String column, String attribute, RdsColumnType type) {
  /** The attribute name of a column that collects the image's unmapped attributes as one JSON object. */
  public static final String REMAINING_ATTRIBUTES = "*";

  public RdsColumn {
    SqlIdentifier.require(column, "column");
    Objects.requireNonNull(attribute, "attribute");
    Objects.requireNonNull(type, "type");
    if (attribute.isBlank()) {
      throw new IllegalArgumentException("column '" + column + "' maps a blank attribute name");
    }
    if (REMAINING_ATTRIBUTES.equals(attribute) && type != RdsColumnType.JSON) {
      throw new IllegalArgumentException(
          "column '" + column + "' collects the remaining attributes, so its type must be JSON, not " + type);
    }
  }

  public static RdsColumn of(String column, String attribute, RdsColumnType type) {
    return new RdsColumn(column, attribute, type);
  }

  /** A JSON column holding every image attribute that no other column and no fixed column takes. */
  public static RdsColumn remainingAttributes(String column) {
    return new RdsColumn(column, REMAINING_ATTRIBUTES, RdsColumnType.JSON);
  }

  boolean collectsRemaining() {
    return REMAINING_ATTRIBUTES.equals(attribute);
  }
}
