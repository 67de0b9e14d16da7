package io.cqrssuite.command;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An item's size as DynamoDB counts it for its limits and its capacity units: attribute names and values in UTF-8
 * bytes, a number as about one byte per two digits plus one, three bytes of overhead per list or map and one per
 * element. Used to keep a transaction under its 4 MB, and by benches to price calls in capacity units (a write
 * unit per started KB, twice that in a transaction; a strongly consistent read unit per started 4 KB).
 */
public final class ItemSize {
  private ItemSize() {}

  public static long bytes(Map<String, AttributeValue> item) {
    long size = 0;
    for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
      size += utf8(attribute.getKey()) + value(attribute.getValue());
    }
    return size;
  }

  /** Write capacity units of one put of {@code item}: one per started KB, doubled in a transaction. */
  public static long writeUnits(Map<String, AttributeValue> item, boolean transactional) {
    long units = Math.max(1, (bytes(item) + 1023) / 1024);
    return transactional ? 2 * units : units;
  }

  /** Read capacity units of one strongly consistent read of {@code item}: one per started 4 KB (one for none). */
  public static long consistentReadUnits(Map<String, AttributeValue> item) {
    return item == null || item.isEmpty() ? 1 : Math.max(1, (bytes(item) + 4095) / 4096);
  }

  private static long value(AttributeValue value) {
    if (value == null) {
      return 0;
    }
    return switch (value.type()) {
      case S -> utf8(value.s());
      case N -> number(value.n());
      case B -> value.b().asByteArray().length;
      case BOOL, NUL -> 1;
      case SS -> value.ss().stream().mapToLong(ItemSize::utf8).sum();
      case NS -> value.ns().stream().mapToLong(ItemSize::number).sum();
      case BS -> value.bs().stream().mapToLong(b -> b.asByteArray().length).sum();
      case L -> 3 + list(value.l());
      case M -> 3 + value.m().entrySet().stream().mapToLong(e -> utf8(e.getKey()) + value(e.getValue()) + 1).sum();
      default -> 0;
    };
  }

  private static long list(List<AttributeValue> values) {
    return values.stream().mapToLong(v -> value(v) + 1).sum();
  }

  private static long number(String n) {
    long digits = n.chars().filter(Character::isDigit).count();
    return (digits + 1) / 2 + 1;
  }

  private static long utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
