package io.cqrssuite.factory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.event.InvalidEventException;
import io.cqrssuite.event.MessageAttribute;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Typed reads from a delivered event's tree, each failure naming the field's path. */
final class JsonFields {
  private JsonFields() {}

  static ObjectNode object(JsonNode parent, String field, String where) {
    JsonNode value = parent.get(field);
    if (value == null || value.isNull()) {
      throw new InvalidEventException(where + "." + field, "missing object");
    }
    if (!value.isObject()) {
      throw new InvalidEventException(where + "." + field, "must be an object, found " + value.getNodeType());
    }
    return (ObjectNode) value;
  }

  static ObjectNode optionalObject(JsonNode parent, String field, String where) {
    JsonNode value = parent.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isObject()) {
      throw new InvalidEventException(where + "." + field, "must be an object, found " + value.getNodeType());
    }
    return (ObjectNode) value;
  }

  static String text(JsonNode parent, String field, String where) {
    String value = optionalText(parent, field, where);
    if (value == null) {
      throw new InvalidEventException(where + "." + field, "missing string");
    }
    return value;
  }

  static String optionalText(JsonNode parent, String field, String where) {
    JsonNode value = parent.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new InvalidEventException(where + "." + field, "must be a string, found " + value.getNodeType());
    }
    return value.textValue();
  }

  static long optionalLong(JsonNode parent, String field, String where, long absent) {
    JsonNode value = parent.get(field);
    if (value == null || value.isNull()) {
      return absent;
    }
    if (value.isIntegralNumber() && value.canConvertToLong()) {
      return value.longValue();
    }
    if (value.isNumber() && value.canConvertToExactIntegral() && value.canConvertToLong()) {
      return value.longValue();
    }
    throw new InvalidEventException(where + "." + field, "must be an integer, found " + value);
  }

  static Instant optionalInstant(JsonNode parent, String field, String where) {
    String value = optionalText(parent, field, where);
    if (value == null) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new InvalidEventException(where + "." + field, "not an ISO-8601 instant: " + value, e);
    }
  }

  /** SQS's Lambda shape: {@code {"type": {"stringValue": "...", "dataType": "String", ...}}}. */
  static Map<String, MessageAttribute> sqsMessageAttributes(JsonNode record, String where) {
    ObjectNode attributes = optionalObject(record, "messageAttributes", where);
    Map<String, MessageAttribute> out = new LinkedHashMap<>();
    if (attributes == null) {
      return out;
    }
    attributes
        .fields()
        .forEachRemaining(
            entry -> {
              String at = where + ".messageAttributes." + entry.getKey();
              JsonNode value = entry.getValue();
              if (!value.isObject()) {
                throw new InvalidEventException(at, "must be an object, found " + value.getNodeType());
              }
              out.put(
                  entry.getKey(),
                  new MessageAttribute(
                      optionalText(value, "dataType", at),
                      optionalText(value, "stringValue", at),
                      optionalText(value, "binaryValue", at)));
            });
    return out;
  }

  /** SNS's shape: {@code {"type": {"Type": "String", "Value": "..."}}}; binary values are base64 in Value. */
  static Map<String, MessageAttribute> snsMessageAttributes(JsonNode sns, String where) {
    ObjectNode attributes = optionalObject(sns, "MessageAttributes", where);
    Map<String, MessageAttribute> out = new LinkedHashMap<>();
    if (attributes == null) {
      return out;
    }
    attributes
        .fields()
        .forEachRemaining(
            entry -> {
              String at = where + ".MessageAttributes." + entry.getKey();
              JsonNode value = entry.getValue();
              if (!value.isObject()) {
                throw new InvalidEventException(at, "must be an object, found " + value.getNodeType());
              }
              String type = optionalText(value, "Type", at);
              String text = optionalText(value, "Value", at);
              boolean binary = "Binary".equals(type);
              out.put(entry.getKey(), new MessageAttribute(type, binary ? null : text, binary ? text : null));
            });
    return out;
  }

  static Map<String, String> stringMap(JsonNode parent, String field, String where) {
    ObjectNode node = optionalObject(parent, field, where);
    Map<String, String> out = new LinkedHashMap<>();
    if (node == null) {
      return out;
    }
    node.fields()
        .forEachRemaining(
            entry -> {
              JsonNode value = entry.getValue();
              if (!value.isValueNode() || value.isNull()) {
                throw new InvalidEventException(
                    where + "." + field + "." + entry.getKey(), "must be a string, found " + value.getNodeType());
              }
              out.put(entry.getKey(), value.asText());
            });
    return out;
  }
}
