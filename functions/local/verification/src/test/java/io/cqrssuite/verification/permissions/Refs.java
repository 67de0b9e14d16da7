package io.cqrssuite.verification.permissions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/** {@code {"Ref": id}} and {@code {"Fn::GetAtt": "id.attr"}} as nodes, for resolving names and ARNs in a deployed stack. */
final class Refs {
  private Refs() {}

  static JsonNode ref(String logicalId) {
    return JsonNodeFactory.instance.objectNode().put("Ref", logicalId);
  }

  static JsonNode getAtt(String logicalId, String attribute) {
    return JsonNodeFactory.instance.objectNode().put("Fn::GetAtt", logicalId + "." + attribute);
  }
}
