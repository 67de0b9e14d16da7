package io.cqrssuite.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Plain JSON to DynamoDB items and back, the way the stream side reads them ({@code AttributeValueJson}): strings,
 * exact numbers, booleans, null, lists and maps; binary and sets read back as base64 strings and arrays. Numbers are
 * never doubles, so an image survives the round trip unchanged.
 */
final class ItemJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  private ItemJson() {}

  static Map<String, AttributeValue> toItem(ObjectNode image) {
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = image.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (entry.getKey().isEmpty()) {
        throw new InvalidCommandException("an attribute has an empty name, which DynamoDB does not allow");
      }
      item.put(entry.getKey(), value(entry.getValue(), entry.getKey()));
    }
    return item;
  }

  static AttributeValue value(JsonNode node, String where) {
    switch (node.getNodeType()) {
      case STRING:
        return AttributeValue.fromS(node.textValue());
      case NUMBER:
        return AttributeValue.fromN(number(node, where));
      case BOOLEAN:
        return AttributeValue.fromBool(node.booleanValue());
      case NULL:
        return AttributeValue.fromNul(true);
      case ARRAY: {
        List<AttributeValue> list = new ArrayList<>(node.size());
        int i = 0;
        for (JsonNode element : node) {
          list.add(value(element, where + "[" + i++ + "]"));
        }
        return AttributeValue.fromL(list);
      }
      case OBJECT: {
        Map<String, AttributeValue> map = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> entry = it.next();
          map.put(entry.getKey(), value(entry.getValue(), where + "." + entry.getKey()));
        }
        return AttributeValue.fromM(map);
      }
      default:
        throw new InvalidCommandException("'" + where + "' has a " + node.getNodeType() + " value, which a DynamoDB item cannot hold");
    }
  }

  private static String number(JsonNode node, String where) {
    try {
      return node.isIntegralNumber() ? node.bigIntegerValue().toString() : node.decimalValue().stripTrailingZeros().toPlainString();
    } catch (NumberFormatException e) {
      throw new InvalidCommandException("'" + where + "' is not a finite number", "'" + where + "' is not a finite number: " + node.asText());
    }
  }

  static ObjectNode toJson(Map<String, AttributeValue> item) {
    ObjectNode image = NODES.objectNode();
    item.forEach((name, value) -> image.set(name, json(value)));
    return image;
  }

  static JsonNode json(AttributeValue value) {
    switch (value.type()) {
      case S:
        return NODES.textNode(value.s());
      case N:
        return number(value.n());
      case BOOL:
        return NODES.booleanNode(value.bool());
      case NUL:
        return NODES.nullNode();
      case L: {
        ArrayNode array = NODES.arrayNode();
        value.l().forEach(element -> array.add(json(element)));
        return array;
      }
      case M:
        return toJson(value.m());
      case B:
        return NODES.textNode(base64(value.b()));
      case SS: {
        ArrayNode array = NODES.arrayNode();
        value.ss().forEach(array::add);
        return array;
      }
      case NS: {
        ArrayNode array = NODES.arrayNode();
        value.ns().forEach(n -> array.add(number(n)));
        return array;
      }
      case BS: {
        ArrayNode array = NODES.arrayNode();
        value.bs().forEach(b -> array.add(base64(b)));
        return array;
      }
      default:
        throw new IllegalStateException("an attribute value of an unknown type: " + value);
    }
  }

  /** The image as it reads back from DynamoDB, so images from callers and from the table compare equal. */
  static ObjectNode canonical(ObjectNode image) {
    return toJson(toItem(image));
  }

  private static JsonNode number(String n) {
    if (n.indexOf('.') >= 0 || n.indexOf('e') >= 0 || n.indexOf('E') >= 0) {
      return NODES.numberNode(new BigDecimal(n));
    }
    BigInteger integer = new BigInteger(n);
    if (integer.bitLength() < 32) {
      return NODES.numberNode(integer.intValue());
    }
    return integer.bitLength() < 64 ? NODES.numberNode(integer.longValue()) : NODES.numberNode(integer);
  }

  private static String base64(SdkBytes bytes) {
    return Base64.getEncoder().encodeToString(bytes.asByteArray());
  }

  /**
   * An upper bound of the attribute's size as DynamoDB counts it (name plus value; a number counted as its digits,
   * which is more than DynamoDB's one byte per two digits), so a command judged to fit does fit.
   */
  static long size(String name, AttributeValue value) {
    return utf8(name) + size(value);
  }

  static long size(Map<String, AttributeValue> item) {
    long total = 0;
    for (Map.Entry<String, AttributeValue> entry : item.entrySet()) {
      total += size(entry.getKey(), entry.getValue());
    }
    return total;
  }

  private static long size(AttributeValue value) {
    switch (value.type()) {
      case S:
        return utf8(value.s());
      case N:
        return value.n().length() + 1L;
      case BOOL:
      case NUL:
        return 1;
      case B:
        return value.b().asByteArrayUnsafe().length;
      case L: {
        long total = 3;
        for (AttributeValue element : value.l()) {
          total += 1 + size(element);
        }
        return total;
      }
      case M: {
        long total = 3;
        for (Map.Entry<String, AttributeValue> entry : value.m().entrySet()) {
          total += 1 + utf8(entry.getKey()) + size(entry.getValue());
        }
        return total;
      }
      case SS:
        return value.ss().stream().mapToLong(ItemJson::utf8).sum();
      case NS:
        return value.ns().stream().mapToLong(n -> n.length() + 1L).sum();
      case BS:
        return value.bs().stream().mapToLong(b -> b.asByteArrayUnsafe().length).sum();
      default:
        return 0;
    }
  }

  private static long utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }
}
