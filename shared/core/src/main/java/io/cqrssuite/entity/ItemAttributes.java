package io.cqrssuite.entity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The attributes of one stream record, looked up in its keys first (a key is there whatever the stream view type),
 * then in its image. Keys may be S, N or B; they are read as text (a number as its plain decimal, binary as base64).
 */
final class ItemAttributes {
  private final ObjectNode keys;
  private final ObjectNode image;

  ItemAttributes(ObjectNode keys, ObjectNode image) {
    this.keys = keys;
    this.image = image;
  }

  /** The attribute's value as text, or {@code null} when it is absent, null, or not a scalar. */
  String text(String name) {
    JsonNode value = value(name);
    if (value == null || value.isNull() || value.isContainerNode() || value.isBoolean()) {
      return null;
    }
    if (value.isNumber()) {
      return value.decimalValue().stripTrailingZeros().toPlainString();
    }
    String text = value.asText();
    return text.isEmpty() ? null : text;
  }

  /** The attribute's value as given (keys first), or {@code null}. */
  JsonNode value(String name) {
    JsonNode value = keys == null ? null : keys.get(name);
    if (value == null && image != null) {
      value = image.get(name);
    }
    return value;
  }

  ObjectNode image() {
    return image;
  }
}
