package io.cqrssuite.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON Merge Patch (RFC 7386) on Jackson trees: a {@code null} member removes, an object member merges recursively,
 * anything else (arrays included) replaces. Partial updates are merged here, on the command side, so every command
 * holds the full image (contract §1).
 *
 * <p>Written here rather than taken from a library: Jackson has no merge patch, the RFC's algorithm is a dozen lines,
 * and the libraries that offer it (json-patch, zjsonpatch) are not in the dependency set this project may use.
 */
final class MergePatch {
  private MergePatch() {}

  /** The result of applying {@code patch} to {@code target}; neither argument is modified. {@code null} target = absent. */
  public static JsonNode apply(JsonNode target, JsonNode patch) {
    if (patch == null || !patch.isObject()) {
      return patch == null ? null : patch.deepCopy();
    }
    ObjectNode result = target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : JsonNodeFactory.instance.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> member = it.next();
      if (member.getValue().isNull()) {
        result.remove(member.getKey());
      } else {
        result.set(member.getKey(), apply(result.get(member.getKey()), member.getValue()));
      }
    }
    return result;
  }
}
