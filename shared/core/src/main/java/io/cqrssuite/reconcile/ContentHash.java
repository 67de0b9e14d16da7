package io.cqrssuite.reconcile;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.TreeSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;

/**
 * The hash both sides of a comparison are reduced to: SHA-256 (first 16 bytes, hex) of a canonical JSON text, in
 * which object keys are sorted and every number is written by value ({@code 12.50}, {@code 12.5} and {@code 1.25E1}
 * are one number), so that what a database or a search engine hands back (reordered {@code jsonb} keys, a
 * {@code NUMERIC} with trailing zeros) hashes like what the sync wrote.
 */
public final class ContentHash {
  private ContentHash() {}

  public static String of(JsonNode node) {
    StringBuilder text = new StringBuilder(256);
    canonical(node, text);
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  /** The canonical text of {@code node} (for tests and reports that show what was hashed). */
  public static String canonical(JsonNode node) {
    StringBuilder text = new StringBuilder(256);
    canonical(node, text);
    return text.toString();
  }

  /**
   * The names of the fields in which two contents differ, by canonical value; inside an object-valued field, one level
   * deeper ({@code attributes.weight}). Names only, never values.
   */
  public static List<String> differingFields(JsonNode expected, JsonNode stored) {
    TreeSet<String> names = new TreeSet<>();
    expected.fieldNames().forEachRemaining(names::add);
    stored.fieldNames().forEachRemaining(names::add);
    List<String> differing = new ArrayList<>();
    for (String name : names) {
      JsonNode a = expected.get(name);
      JsonNode b = stored.get(name);
      if (canonical(a).equals(canonical(b))) {
        continue;
      }
      if (a != null && b != null && a.isObject() && b.isObject()) {
        for (String inner : differingFields(a, b)) {
          differing.add(name + "." + inner);
        }
      } else {
        differing.add(name);
      }
    }
    return differing;
  }

  private static void canonical(JsonNode node, StringBuilder text) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      text.append("null");
    } else if (node.isObject()) {
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      names.sort(null);
      text.append('{');
      for (int i = 0; i < names.size(); i++) {
        if (i > 0) {
          text.append(',');
        }
        quoted(names.get(i), text);
        text.append(':');
        canonical(node.get(names.get(i)), text);
      }
      text.append('}');
    } else if (node.isArray()) {
      text.append('[');
      for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
        canonical(it.next(), text);
        if (it.hasNext()) {
          text.append(',');
        }
      }
      text.append(']');
    } else if (node.isNumber()) {
      BigDecimal value = node.decimalValue();
      text.append(value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString());
    } else if (node.isBoolean()) {
      text.append(node.booleanValue());
    } else {
      quoted(node.asText(), text);
    }
  }

  private static void quoted(String value, StringBuilder text) {
    text.append('"');
    JsonStringEncoder.getInstance().quoteAsString(value, text);
    text.append('"');
  }
}
