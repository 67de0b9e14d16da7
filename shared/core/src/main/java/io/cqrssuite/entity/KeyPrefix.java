package io.cqrssuite.entity;

import java.util.Objects;

/**
 * Tells one entity type of a single table from the others: an attribute whose value starts with a prefix, such as
 * {@code SK} starting with {@code ORDER#}.
 */
public record KeyPrefix(String attribute, String prefix) {
  public KeyPrefix {
    TableMapping.requireName(attribute, "type attribute");
    if (Objects.requireNonNull(prefix, "prefix").isEmpty()) {
      throw new IllegalArgumentException("the type prefix of '" + attribute + "' must not be empty");
    }
  }

  @Override
  public String toString() {
    return attribute + "=" + prefix + "*";
  }
}
