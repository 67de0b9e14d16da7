package io.cqrssuite.entity;

/**
 * Which attribute of an image is the entity's version, the number every read-model write is guarded by (contract
 * §2):
 *
 * <ul>
 *   <li>{@link IntegerAttribute}: a non-negative integer (N), such as the command side's {@code version};
 *   <li>{@link Timestamp}: for sources without versions, a time of change such as {@code updatedAt}, as epoch
 *       milliseconds (N) or ISO-8601 (S), taken as epoch milliseconds. Two writes in the same millisecond count as
 *       one: the second is a duplicate and changes nothing.
 * </ul>
 *
 * A stream record's {@code ApproximateCreationDateTime} is never a version: it has second precision.
 */
public sealed interface VersionSource {
  /** The attribute read. */
  String attribute();

  /** A non-negative integer attribute. */
  record IntegerAttribute(String attribute) implements VersionSource {
    public IntegerAttribute {
      TableMapping.requireName(attribute, "version attribute");
    }

    @Override
    public String toString() {
      return attribute;
    }
  }

  /** A time of change: epoch milliseconds (N) or an ISO-8601 instant (S). */
  record Timestamp(String attribute) implements VersionSource {
    public Timestamp {
      TableMapping.requireName(attribute, "timestamp attribute");
    }

    @Override
    public String toString() {
      return "timestamp:" + attribute;
    }
  }
}
