package io.cqrssuite.factory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.event.InvalidEventException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;

/**
 * Converts DynamoDB's attribute-value JSON (as stream records carry it: {@code {"price": {"N": "129800"}}}) to
 * plain JSON ({@code {"price": 129800}}).
 *
 * <p>Numbers stay exact: an {@code N} without fraction or exponent becomes an integer node (arbitrary size), any
 * other an exact {@link BigDecimal}, never a double. {@code B} and {@code BS} stay base64 strings (checked), sets
 * become arrays in delivered order, {@code NULL} becomes JSON null.
 */
public final class AttributeValueJson {
  private static final Base64.Decoder BASE64 = Base64.getDecoder();
  private final JsonNodeFactory nodes;

  public AttributeValueJson(JsonNodeFactory nodes) {
    this.nodes = nodes;
  }

  /** Converts a whole item ({@code Keys}, {@code NewImage}, {@code OldImage}); {@code null} stays {@code null}. */
  public ObjectNode item(JsonNode item, String where) {
    if (item == null || item.isNull()) {
      return null;
    }
    if (!item.isObject()) {
      throw new InvalidEventException(where, "must be an object of attribute values, found " + item.getNodeType());
    }
    ObjectNode out = nodes.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = item.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      out.set(entry.getKey(), value(entry.getValue(), where + "." + entry.getKey()));
    }
    return out;
  }

  /** Converts one attribute value: an object with exactly one type key. */
  public JsonNode value(JsonNode attribute, String where) {
    if (attribute == null || !attribute.isObject() || attribute.size() != 1) {
      throw new InvalidEventException(
          where, "an attribute value must be an object with exactly one type key (S, N, B, BOOL, NULL, L, M, SS, NS, BS)");
    }
    Map.Entry<String, JsonNode> typed = attribute.fields().next();
    String type = typed.getKey();
    JsonNode v = typed.getValue();
    String at = where + "." + type;
    switch (type) {
      case "S":
        return nodes.textNode(string(v, at));
      case "N":
        return number(string(v, at), at);
      case "B":
        return nodes.textNode(base64(string(v, at), at));
      case "BOOL":
        if (!v.isBoolean()) {
          throw new InvalidEventException(at, "must be true or false, found " + v.getNodeType());
        }
        return nodes.booleanNode(v.booleanValue());
      case "NULL":
        if (!v.isBoolean() || !v.booleanValue()) {
          throw new InvalidEventException(at, "must be true");
        }
        return nodes.nullNode();
      case "L":
        {
          ArrayNode out = nodes.arrayNode();
          int i = 0;
          for (JsonNode element : array(v, at)) {
            out.add(value(element, at + "[" + i++ + "]"));
          }
          return out;
        }
      case "M":
        if (!v.isObject()) {
          throw new InvalidEventException(at, "must be an object, found " + v.getNodeType());
        }
        return item(v, at);
      case "SS":
        {
          ArrayNode out = nodes.arrayNode();
          int i = 0;
          for (JsonNode element : array(v, at)) {
            out.add(string(element, at + "[" + i++ + "]"));
          }
          return out;
        }
      case "NS":
        {
          ArrayNode out = nodes.arrayNode();
          int i = 0;
          for (JsonNode element : array(v, at)) {
            String a = at + "[" + i++ + "]";
            out.add(number(string(element, a), a));
          }
          return out;
        }
      case "BS":
        {
          ArrayNode out = nodes.arrayNode();
          int i = 0;
          for (JsonNode element : array(v, at)) {
            String a = at + "[" + i++ + "]";
            out.add(base64(string(element, a), a));
          }
          return out;
        }
      default:
        throw new InvalidEventException(where, "unknown attribute type '" + type + "'");
    }
  }

  private JsonNode number(String text, String where) {
    try {
      if (text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0) {
        BigInteger integer = new BigInteger(text);
        return integer.bitLength() < 64 ? nodes.numberNode(integer.longValue()) : nodes.numberNode(integer);
      }
      return nodes.numberNode(new BigDecimal(text));
    } catch (NumberFormatException e) {
      throw new InvalidEventException(
          where,
          "not a number (a string of " + text.length() + " characters)",
          "not a number: '" + abbreviate(text) + "'",
          e);
    }
  }

  private static String string(JsonNode v, String where) {
    if (!v.isTextual()) {
      throw new InvalidEventException(where, "must be a string, found " + v.getNodeType());
    }
    return v.textValue();
  }

  private static JsonNode array(JsonNode v, String where) {
    if (!v.isArray()) {
      throw new InvalidEventException(where, "must be an array, found " + v.getNodeType());
    }
    return v;
  }

  private static String base64(String text, String where) {
    try {
      BASE64.decode(text);
      return text;
    } catch (IllegalArgumentException e) {
      throw new InvalidEventException(where, "not valid base64", e);
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }
}
