package io.cqrssuite.sync.rds;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.event.ChangeRecord;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns a change into the parameter values of its table's upsert, in {@link RowLayout} order, converting each
 * attribute for its column type. Every value is checked here rather than left to the database, so that a value
 * that cannot fit fails its own record alone, with a reason naming record, column and the value's type and length
 * (the value itself only for the dead-letter envelope), and the batch is not sent twice to find it.
 */
final class RowValues {
  /** Earliest and latest instants both engines store in their timestamp columns. */
  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

  // Numbers stay exact and unexponented in stored JSON (a DynamoDB N has up to 38 digits).
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

  private RowValues() {}

  /** One value per layout slot; {@code null} for SQL {@code NULL}. */
  static Object[] of(ChangeRecord change, VerifiedTable table, Instant syncedAt) {
    RowLayout layout = table.layout();
    Object[] values = new Object[layout.slots().size()];
    for (int i = 0; i < values.length; i++) {
      RowLayout.Slot slot = layout.slots().get(i);
      values[i] =
          switch (slot.column()) {
            case "id" -> text(change, table, "id", "id", change.id());
            case "pk" -> text(change, table, "pk", "pk", change.pk());
            case "code" -> text(change, table, "code", "code", change.code());
            case "synced_at" -> syncedAt;
            case "is_deleted" -> change.deleted();
            case "version" -> change.version();
            default -> convert(change, table, table.mapping().columns().get(i - RowLayout.FIRST_MAPPED_SLOT));
          };
    }
    return values;
  }

  private static Object convert(ChangeRecord change, VerifiedTable table, RdsColumn column) {
    ObjectNode image = change.image();
    JsonNode value;
    if (column.collectsRemaining()) {
      value = remaining(image, table.mappedAttributes());
    } else {
      value = image == null ? null : image.get(column.attribute());
    }
    if (value == null || value.isNull() || value.isMissingNode()) {
      return null;
    }
    Failure failure = new Failure(change, table, column);
    return switch (column.type()) {
      case TEXT -> text(change, table, column.column(), column.attribute(), textOf(value));
      case BIGINT -> bigint(value, failure);
      case NUMERIC -> numeric(value, failure);
      case BOOLEAN -> bool(value, failure);
      case TIMESTAMP -> timestamp(value, failure);
      case JSON -> write(value);
    };
  }

  private static ObjectNode remaining(ObjectNode image, Set<String> mappedAttributes) {
    ObjectNode rest = JSON.createObjectNode();
    if (image == null) {
      return rest;
    }
    for (Map.Entry<String, JsonNode> field : image.properties()) {
      if (!mappedAttributes.contains(field.getKey())) {
        rest.set(field.getKey(), field.getValue());
      }
    }
    return rest;
  }

  private static String textOf(JsonNode value) {
    if (value.isTextual()) {
      return value.textValue();
    }
    if (value.isNumber()) {
      return value.decimalValue().toPlainString();
    }
    if (value.isBoolean()) {
      return Boolean.toString(value.booleanValue());
    }
    return write(value);
  }

  private static String text(ChangeRecord change, VerifiedTable table, String column, String attribute, String value) {
    Long max = table.maxCharacters(column);
    if (value != null && max != null) {
      long length = value.codePointCount(0, value.length());
      if (length > max) {
        throw new ColumnValueException(
            change.id(), table.name(), column, attribute, quoted(value), "a string of " + length + " characters",
            "the column holds at most " + max + " characters, the value has " + length);
      }
    }
    return value;
  }

  private static Long bigint(JsonNode value, Failure failure) {
    BigDecimal number = number(value, failure, "an integer");
    BigInteger integral;
    try {
      integral = number.toBigIntegerExact();
    } catch (ArithmeticException e) {
      throw failure.of(value, "not an integer");
    }
    if (integral.bitLength() > 63) {
      throw failure.of(value, "out of the BIGINT range (-2^63 .. 2^63-1)");
    }
    return integral.longValue();
  }

  private static BigDecimal numeric(JsonNode value, Failure failure) {
    return number(value, failure, "a number");
  }

  private static BigDecimal number(JsonNode value, Failure failure, String expected) {
    if (value.isNumber()) {
      return value.decimalValue();
    }
    if (value.isTextual()) {
      try {
        return new BigDecimal(value.textValue().trim());
      } catch (NumberFormatException e) {
        throw failure.of(value, "not " + expected);
      }
    }
    throw failure.of(value, "not " + expected + " but " + value.getNodeType().name().toLowerCase(Locale.ROOT));
  }

  private static Boolean bool(JsonNode value, Failure failure) {
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    if (value.isTextual()) {
      String text = value.textValue().trim();
      if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
        return Boolean.valueOf(text);
      }
    }
    throw failure.of(value, "not a boolean (true/false)");
  }

  private static Instant timestamp(JsonNode value, Failure failure) {
    Instant instant;
    try {
      if (value.isNumber()) {
        instant = Instant.ofEpochMilli(bigint(value, failure));
      } else if (value.isTextual()) {
        instant = OffsetDateTime.parse(value.textValue().trim()).toInstant();
      } else {
        throw failure.of(value, "not a timestamp (ISO-8601 or epoch milliseconds)");
      }
    } catch (DateTimeException | ColumnValueException e) {
      throw failure.of(value, "not a timestamp (ISO-8601 with offset, e.g. 2026-11-25T00:05:00Z, or epoch milliseconds)");
    }
    if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
      throw failure.of(value, "outside the storable years 0001-9999");
    }
    return instant;
  }

  private static String write(JsonNode value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      // A tree built by Jackson always serialises; this would be a bug, not bad input.
      throw new IllegalStateException(e);
    }
  }

  private static String quoted(String value) {
    return write(JSON.getNodeFactory().textNode(value));
  }

  /** The record and column a conversion is for, so every refusal names them. */
  private record Failure(ChangeRecord change, VerifiedTable table, RdsColumn column) {
    ColumnValueException of(JsonNode value, String problem) {
      return new ColumnValueException(
          change.id(), table.name(), column.column(), column.attribute(), write(value), kind(value), problem);
    }

    /** The value's JSON type and size: what a log line or an alarm may say of it. */
    private static String kind(JsonNode value) {
      if (value.isTextual()) {
        return "a string of " + value.textValue().codePointCount(0, value.textValue().length()) + " characters";
      }
      if (value.isNumber()) {
        return "a number of " + value.decimalValue().precision() + " digits";
      }
      if (value.isContainerNode()) {
        return "an " + (value.isArray() ? "array" : "object") + " of " + value.size() + " elements";
      }
      return "a " + value.getNodeType().name().toLowerCase(Locale.ROOT);
    }
  }
}
