package io.cqrssuite.sync;

import io.cqrssuite.event.ChangeRecord;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Which changes a read model takes (a table mapping, an index): a closed set of rules that can be printed in logs and checked in
 * tests, rather than an opaque predicate.
 */
public sealed interface ChangeSelector {
  boolean accepts(ChangeRecord change);

  /** Changes whose partition key starts with {@code prefix}, such as {@code PRODUCT#}, from whichever table. */
  record PkPrefix(String prefix) implements ChangeSelector {
    public PkPrefix {
      if (prefix == null || prefix.isEmpty()) {
        throw new IllegalArgumentException("a pk prefix must not be empty");
      }
    }

    @Override
    public boolean accepts(ChangeRecord change) {
      return change.pk() != null && change.pk().startsWith(prefix);
    }
  }

  /**
   * Changes from DynamoDB tables whose name ends with one of {@code suffixes} (case-insensitive), such as
   * {@code product-command} and {@code product-data}: stage prefixes ({@code dev-catalog-}) do not matter.
   */
  record TableSuffix(List<String> suffixes) implements ChangeSelector {
    public TableSuffix {
      suffixes = List.copyOf(suffixes);
      if (suffixes.isEmpty() || suffixes.stream().anyMatch(s -> Objects.requireNonNull(s).isEmpty())) {
        throw new IllegalArgumentException("table suffixes must be a non-empty list of non-empty names");
      }
    }

    @Override
    public boolean accepts(ChangeRecord change) {
      if (change.table() == null) {
        return false;
      }
      String table = change.table().toLowerCase(Locale.ROOT);
      return suffixes.stream().anyMatch(s -> table.endsWith(s.toLowerCase(Locale.ROOT)));
    }
  }

  /** Changes of the entity types a table mapping names, such as {@code order} of a single table. */
  record EntityType(List<String> types) implements ChangeSelector {
    public EntityType {
      types = List.copyOf(types);
      if (types.isEmpty() || types.stream().anyMatch(t -> Objects.requireNonNull(t).isEmpty())) {
        throw new IllegalArgumentException("entity types must be a non-empty list of non-empty names");
      }
    }

    public static EntityType of(String... types) {
      return new EntityType(List.of(types));
    }

    @Override
    public boolean accepts(ChangeRecord change) {
      return change.type() != null && types.contains(change.type());
    }
  }
}
