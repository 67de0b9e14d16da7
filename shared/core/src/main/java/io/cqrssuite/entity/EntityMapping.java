package io.cqrssuite.entity;

import java.util.Objects;

/**
 * One entity type of a table: its name, what tells its items from other types' ({@code when}, {@code null} when the
 * table holds one type), which attributes identify it, and which is its version.
 */
public record EntityMapping(String type, KeyPrefix when, Identity identity, VersionSource version) {
  public EntityMapping {
    TableMapping.requireName(type, "entity type");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(version, "version");
  }

  /** An entity keyed by a partition and a code attribute, e.g. {@code keyPair("order", "PK", "SK", rule, version)}. */
  public static EntityMapping keyPair(String type, String partition, String code, CodeRule rule, VersionSource version) {
    return new EntityMapping(type, null, new Identity.KeyPair(partition, code, rule), version);
  }

  /** An entity keyed by one attribute, e.g. {@code singleKey("order", "Id", new Timestamp("updatedAt"))}. */
  public static EntityMapping singleKey(String type, String attribute, VersionSource version) {
    return new EntityMapping(type, null, new Identity.SingleKey(attribute), version);
  }

  /** This mapping, for the items whose {@code attribute} starts with {@code prefix} only. */
  public EntityMapping when(String attribute, String prefix) {
    return new EntityMapping(type, new KeyPrefix(attribute, prefix), identity, version);
  }
}
