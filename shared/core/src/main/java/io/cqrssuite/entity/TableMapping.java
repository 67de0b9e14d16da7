package io.cqrssuite.entity;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How one DynamoDB table's stream changes become entity changes for the read models, declared by the user: the
 * table's exact name, its entity types (one, or several told apart by a key prefix), and how a removal counts.
 * A table without a mapping is not the read models' business: its changes go to the handlers as plain
 * {@link io.cqrssuite.event.DataChangeEvent}s (contract §1).
 *
 * <p>Every check that needs no record runs when the mapping is built, so a malformed mapping fails the function at
 * init, before any AWS call: blank names, no entity, two types with the same name, several types not told apart.
 *
 * @param removes whether a {@code REMOVE} deletes the entity (a data table), or is housekeeping that changes no
 *     entity (a command table, whose old versions are cleaned up). A TTL removal is housekeeping either way.
 * @param deletedFlag a boolean attribute that marks a delete in an upsert (the command side's {@code isDeleted}),
 *     {@code null} for none
 */
public record TableMapping(String table, List<EntityMapping> entities, Removes removes, String deletedFlag) {
  private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z0-9_.-]{3,255}");

  /** What a {@code REMOVE} on the table means. */
  public enum Removes {
    /** The entity is deleted: a tombstone at the old image's version. */
    DELETE,
    /** Nothing: the item was housekeeping (an old command version), the entity lives on. */
    HOUSEKEEPING
  }

  public TableMapping {
    if (table == null || !TABLE_NAME.matcher(table).matches()) {
      throw new IllegalArgumentException(
          "a table mapping needs the table's exact name (3-255 of A-Z a-z 0-9 _ . -), found '" + table + "'");
    }
    entities = List.copyOf(entities);
    Objects.requireNonNull(removes, "removes");
    if (entities.isEmpty()) {
      throw new IllegalArgumentException("the mapping of table '" + table + "' names no entity type");
    }
    if (deletedFlag != null) {
      requireName(deletedFlag, "deleted flag of table '" + table + "'");
    }
    Set<String> types = new HashSet<>();
    Set<KeyPrefix> prefixes = new HashSet<>();
    for (EntityMapping entity : entities) {
      if (!types.add(entity.type())) {
        throw new IllegalArgumentException("table '" + table + "' maps entity type '" + entity.type() + "' twice");
      }
      if (entities.size() > 1 && entity.when() == null) {
        throw new IllegalArgumentException(
            "table '" + table + "' holds " + entities.size() + " entity types: each needs a key prefix to tell it"
                + " apart, '" + entity.type() + "' has none");
      }
      if (entity.when() != null && !prefixes.add(entity.when())) {
        throw new IllegalArgumentException(
            "table '" + table + "': two entity types are told apart by the same prefix " + entity.when());
      }
    }
  }

  /** A table of one entity type whose removals are deletes. */
  public static TableMapping of(String table, EntityMapping entity) {
    return new TableMapping(table, List.of(entity), Removes.DELETE, null);
  }

  public static Builder builder(String table) {
    return new Builder(table);
  }

  /**
   * The entity type the item belongs to: the one whose prefix matches, the longest when several do ({@code ORDER#}
   * and {@code ORDER#LINE#}), or {@code null} when none does.
   */
  EntityMapping entityOf(ItemAttributes item) {
    EntityMapping best = null;
    for (EntityMapping entity : entities) {
      if (entity.when() == null) {
        return entity;
      }
      String value = item.text(entity.when().attribute());
      if (value != null
          && value.startsWith(entity.when().prefix())
          && (best == null || entity.when().prefix().length() > best.when().prefix().length())) {
        best = entity;
      }
    }
    return best;
  }

  static void requireName(String name, String what) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("the " + what + " must not be blank");
    }
  }

  /** Collects a mapping. */
  public static final class Builder {
    private final String table;
    private final List<EntityMapping> entities = new ArrayList<>();
    private Removes removes = Removes.DELETE;
    private String deletedFlag;

    private Builder(String table) {
      this.table = table;
    }

    public Builder entity(EntityMapping entity) {
      entities.add(entity);
      return this;
    }

    /** A {@code REMOVE} changes no entity (a command table: old versions are removed, entities live on). */
    public Builder removesAreHousekeeping() {
      this.removes = Removes.HOUSEKEEPING;
      return this;
    }

    /** A boolean attribute that marks a delete in an upsert, such as {@code isDeleted}. */
    public Builder deletedFlag(String attribute) {
      this.deletedFlag = attribute;
      return this;
    }

    public TableMapping build() {
      return new TableMapping(table, entities, removes, deletedFlag);
    }
  }
}
