package io.cqrssuite.entity;

import java.util.List;
import java.util.Objects;

/**
 * Which attributes identify an entity, the key forms a table may have:
 *
 * <ul>
 *   <li>{@link KeyPair}: a partition attribute and a code attribute ({@code pk}/{@code sk}, {@code PK}/{@code SK},
 *       or any two attributes of the image: a composite), the code taken by a {@link CodeRule};
 *   <li>{@link SingleKey}: one attribute ({@code id}, {@code Id}); the entity's partition is its type.
 * </ul>
 *
 * The entity's id, the read models' primary key, is {@code partition#code}.
 */
public sealed interface Identity {
  /** The attributes named, in order: what a table's key schema should hold. */
  List<String> attributes();

  /** {@code pk}/{@code sk} style: the partition attribute, and the attribute the code is taken from. */
  record KeyPair(String partition, String code, CodeRule rule) implements Identity {
    public KeyPair {
      TableMapping.requireName(partition, "partition attribute");
      TableMapping.requireName(code, "code attribute");
      Objects.requireNonNull(rule, "code rule");
      if (partition.equals(code)) {
        throw new IllegalArgumentException("the partition and code attributes must differ, both are '" + code + "'");
      }
    }

    @Override
    public List<String> attributes() {
      return List.of(partition, code);
    }
  }

  /** One attribute, e.g. {@code Id}: the code; the partition is the entity's type. */
  record SingleKey(String attribute) implements Identity {
    public SingleKey {
      TableMapping.requireName(attribute, "key attribute");
    }

    @Override
    public List<String> attributes() {
      return List.of(attribute);
    }
  }
}
