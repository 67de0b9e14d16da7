package io.cqrssuite.testing.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Function;

/**
 * A template's {@code Conditions} decided as CloudFormation decides them: {@code Fn::Equals}, {@code Fn::Not},
 * {@code Fn::And}, {@code Fn::Or} and {@code Condition} over literals and parameters. The same section reads alike
 * before and after the SAM translation, so the local reader and the deployed-stack model share this.
 */
public final class TemplateConditions {
  private final JsonNode conditions;
  private final Function<String, String> parameter;

  /**
   * @param root the template (its {@code Conditions} section is read)
   * @param parameter a parameter's value by name, a list parameter comma-joined as CloudFormation compares it
   */
  public TemplateConditions(JsonNode root, Function<String, String> parameter) {
    this.conditions = root.path("Conditions");
    this.parameter = parameter;
  }

  public boolean holds(String name) {
    JsonNode definition = conditions.path(name);
    if (definition.isMissingNode()) {
      throw new IllegalArgumentException("no condition '" + name + "' in the template");
    }
    return evaluate(definition);
  }

  private boolean evaluate(JsonNode node) {
    if (node.isObject() && node.size() == 1) {
      var entry = node.fields().next();
      JsonNode args = entry.getValue();
      switch (entry.getKey()) {
        case "Condition":
        case "Fn::Condition":
          return holds(args.asText());
        case "Fn::Not":
          return !evaluate(args.get(0));
        case "Fn::And": {
          boolean all = true;
          for (JsonNode arg : args) {
            all &= evaluate(arg);
          }
          return all;
        }
        case "Fn::Or": {
          boolean any = false;
          for (JsonNode arg : args) {
            any |= evaluate(arg);
          }
          return any;
        }
        case "Fn::Equals":
          return String.valueOf(scalar(args.get(0))).equals(String.valueOf(scalar(args.get(1))));
        default:
          break;
      }
    }
    throw new IllegalArgumentException("cannot decide the condition " + node);
  }

  private String scalar(JsonNode node) {
    if (node.isValueNode()) {
      return node.asText();
    }
    if (node.isObject() && node.has("Ref")) {
      return parameter.apply(node.get("Ref").asText());
    }
    throw new IllegalArgumentException("cannot compare " + node + " in a condition");
  }
}
