package io.cqrssuite.testing.lambda;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the functions of an AWS SAM template the way {@code sam local invoke} does: {@code Globals.Function}
 * merged under each function, {@code Ref}s to parameters resolved to their defaults (or to overrides),
 * {@code !Sub} strings resolved when they use only parameters and pseudo parameters, other intrinsic functions left
 * out of the environment with a note, since they name resources that exist only in a deployed stack.
 *
 * <p>Short-form tags ({@code !Ref X}) are read into their long form ({@code {"Ref": "X"}}) so both forms resolve
 * alike.
 */
public final class SamTemplate {
  private static final YAMLFactory YAML = new YAMLFactory();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  /** What {@code !Ref AWS::NoValue} resolves to: the property is left out. */
  private static final String NO_VALUE = "\u0000AWS::NoValue";
  private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}!]+)}");
  private final JsonNode root;
  private final Path path;

  private SamTemplate(Path path, JsonNode root) {
    this.path = path;
    this.root = root;
  }

  public static SamTemplate load(Path path) throws IOException {
    JsonNode root;
    try (JsonParser parser = YAML.createParser(path.toFile())) {
      parser.nextToken();
      root = read(parser);
    }
    if (root == null || !root.path("Resources").isObject()) {
      throw new IOException(path + " has no Resources section");
    }
    return new SamTemplate(path, root);
  }

  /** The whole template, short-form tags in their long form. */
  public JsonNode root() {
    return root;
  }

  /** The logical IDs of every {@code AWS::Serverless::Function}, in template order. */
  public List<String> functionIds() {
    List<String> ids = new ArrayList<>();
    root.path("Resources").fields().forEachRemaining(e -> {
      if ("AWS::Serverless::Function".equals(e.getValue().path("Type").asText())) {
        ids.add(e.getKey());
      }
    });
    return ids;
  }

  /**
   * The function with this logical ID.
   *
   * @param parameterOverrides template parameters set by the caller (SAM's {@code --env-vars} "Parameters")
   * @param unresolved collects the variables left out because their value is an intrinsic function
   */
  public FunctionSpec function(String logicalId, Map<String, String> parameterOverrides, List<String> unresolved) {
    JsonNode resource = root.path("Resources").path(logicalId);
    if (resource.isMissingNode()) {
      throw new IllegalArgumentException("no resource '" + logicalId + "' in " + path + "; functions: " + functionIds());
    }
    if (!"AWS::Serverless::Function".equals(resource.path("Type").asText())) {
      throw new IllegalArgumentException(logicalId + " is a " + resource.path("Type").asText() + ", not an AWS::Serverless::Function");
    }
    JsonNode globals = root.path("Globals").path("Function");
    JsonNode properties = resource.path("Properties");
    String handler = firstText(properties, globals, "Handler");
    if (handler == null) {
      throw new IllegalArgumentException(logicalId + " has no Handler");
    }
    int timeout = firstInt(properties, globals, "Timeout", 3);
    int memory = firstInt(properties, globals, "MemorySize", 128);
    Map<String, String> environment = new LinkedHashMap<>();
    collect(globals.path("Environment").path("Variables"), parameterOverrides, environment, unresolved);
    collect(properties.path("Environment").path("Variables"), parameterOverrides, environment, unresolved);
    return new FunctionSpec(logicalId, handler, timeout, memory, environment);
  }

  /**
   * The function's variables whose value names a place of the deployed stack: a resource ({@code !Ref Table},
   * {@code !GetAtt}), or a pseudo parameter ({@code ${AWS::AccountId}} in an ARN). A local reading gives those
   * either nothing or a made-up value, so a command that acts on a real account must have them from the user. Plain
   * values and references to template parameters are the user's configuration, not places; a variable a condition
   * removes ({@code AWS::NoValue}) is not listed.
   */
  public Set<String> stackVariables(String logicalId, Map<String, String> parameterOverrides) {
    Set<String> names = new TreeSet<>();
    JsonNode globals = root.path("Globals").path("Function").path("Environment").path("Variables");
    JsonNode own = root.path("Resources").path(logicalId).path("Properties").path("Environment").path("Variables");
    for (JsonNode variables : List.of(globals, own)) {
      variables.fields().forEachRemaining(variable -> {
        Boolean stack = namesStackPlace(variable.getValue(), parameterOverrides);
        if (stack == null || !stack) {
          names.remove(variable.getKey());
        } else {
          names.add(variable.getKey());
        }
      });
    }
    return names;
  }

  /** {@code null} when a condition leaves the variable out, else whether the value depends on the deployed stack. */
  private Boolean namesStackPlace(JsonNode value, Map<String, String> overrides) {
    if (value.isValueNode()) {
      return false;
    }
    if (value.isObject() && value.size() == 1 && value.path("Fn::If").isArray() && value.get("Fn::If").size() == 3) {
      JsonNode branches = value.get("Fn::If");
      return namesStackPlace(condition(branches.get(0).asText(), overrides) ? branches.get(1) : branches.get(2), overrides);
    }
    if (value.isObject() && value.size() == 1 && value.has("Ref")) {
      String name = value.get("Ref").asText();
      return "AWS::NoValue".equals(name) ? null : !root.path("Parameters").has(name);
    }
    if (value.isObject() && value.size() == 1 && value.path("Fn::Sub").isTextual()) {
      Matcher m = SUB_VARIABLE.matcher(value.get("Fn::Sub").asText());
      while (m.find()) {
        if (!root.path("Parameters").has(m.group(1))) {
          return true;
        }
      }
      return false;
    }
    return true;
  }

  /** Whether the template's condition {@code name} holds for these parameters ({@link TemplateConditions}). */
  public boolean condition(String name, Map<String, String> parameterOverrides) {
    return new TemplateConditions(root, parameter -> parameter(parameter, parameterOverrides)).holds(name);
  }

  private void collect(JsonNode variables, Map<String, String> overrides, Map<String, String> into, List<String> unresolved) {
    for (Iterator<Map.Entry<String, JsonNode>> it = variables.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> variable = it.next();
      String value = resolve(variable.getValue(), overrides);
      if (NO_VALUE.equals(value)) {
        // !If [..., !Ref AWS::NoValue]: CloudFormation sets no such variable; an earlier (Globals) one goes too.
        into.remove(variable.getKey());
      } else if (value == null) {
        unresolved.add(variable.getKey());
        into.remove(variable.getKey());
      } else {
        into.put(variable.getKey(), value);
      }
    }
  }

  /** A scalar as-is; a parameter {@code Ref} or a parameters-only {@code Fn::Sub} resolved; else {@code null}. */
  private String resolve(JsonNode value, Map<String, String> overrides) {
    if (value.isValueNode() && !value.isNull()) {
      return value.asText();
    }
    if (value.isObject() && value.size() == 1 && value.path("Fn::If").isArray() && value.get("Fn::If").size() == 3) {
      JsonNode branches = value.get("Fn::If");
      return resolve(condition(branches.get(0).asText(), overrides) ? branches.get(1) : branches.get(2), overrides);
    }
    if (value.isObject() && value.size() == 1 && "AWS::NoValue".equals(value.path("Ref").asText(null))) {
      return NO_VALUE;
    }
    if (value.isObject() && value.size() == 1 && value.has("Ref")) {
      return parameter(value.get("Ref").asText(), overrides);
    }
    if (value.isObject() && value.size() == 1 && value.path("Fn::Sub").isTextual()) {
      Matcher m = SUB_VARIABLE.matcher(value.get("Fn::Sub").asText());
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        String replacement = parameter(m.group(1), overrides);
        if (replacement == null) {
          return null;
        }
        m.appendReplacement(out, Matcher.quoteReplacement(replacement));
      }
      m.appendTail(out);
      return out.toString();
    }
    return null;
  }

  /** A parameter's override or default, a pseudo parameter's local value, or {@code null} (a resource). */
  private String parameter(String name, Map<String, String> overrides) {
    if (overrides.containsKey(name)) {
      return overrides.get(name);
    }
    switch (name) {
      case "AWS::Region":
        return overrides.getOrDefault("AWS::Region", "us-east-1");
      case "AWS::AccountId":
        return "123456789012";
      case "AWS::Partition":
        return "aws";
      case "AWS::StackName":
        return "local";
      default:
        break;
    }
    JsonNode fallback = root.path("Parameters").path(name).get("Default");
    return fallback == null ? null : fallback.asText();
  }

  /** Reads one YAML value, turning a CloudFormation short-form tag into the long form it stands for. */
  private static JsonNode read(JsonParser parser) throws IOException {
    Object typeId = parser.getTypeId();
    String tag = typeId == null ? null : typeId.toString();
    JsonNode node;
    JsonToken token = parser.currentToken();
    if (token == JsonToken.START_OBJECT) {
      ObjectNode object = NODES.objectNode();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        parser.nextToken();
        object.set(name, read(parser));
      }
      node = object;
    } else if (token == JsonToken.START_ARRAY) {
      ArrayNode array = NODES.arrayNode();
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        array.add(read(parser));
      }
      node = array;
    } else if (token == JsonToken.VALUE_NULL) {
      node = NODES.nullNode();
    } else if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
      node = NODES.booleanNode(token == JsonToken.VALUE_TRUE);
    } else if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
      node = NODES.numberNode(parser.getDecimalValue());
    } else {
      node = NODES.textNode(parser.getText());
    }
    if (tag == null || tag.startsWith("tag:yaml.org")) {
      return node;
    }
    ObjectNode longForm = NODES.objectNode();
    longForm.set("Ref".equals(tag) ? "Ref" : "Fn::" + tag, node);
    return longForm;
  }

  private static String firstText(JsonNode properties, JsonNode globals, String field) {
    if (properties.hasNonNull(field)) {
      return properties.get(field).asText();
    }
    return globals.hasNonNull(field) ? globals.get(field).asText() : null;
  }

  private static int firstInt(JsonNode properties, JsonNode globals, String field, int fallback) {
    JsonNode value = properties.hasNonNull(field) ? properties.get(field) : globals.get(field);
    return value != null && value.canConvertToInt() && value.asInt() > 0 ? value.asInt() : fallback;
  }
}
