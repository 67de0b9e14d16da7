package io.cqrssuite.testing.permissions;

import com.fasterxml.jackson.databind.JsonNode;
import io.cqrssuite.testing.lambda.TemplateConditions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A translated template (CloudFormation, after SAM) as one deployment with these parameters would make it: conditions
 * decided, resources that exist, and every {@code Ref}, {@code Fn::GetAtt}, {@code Fn::Sub}, {@code Fn::Join} and
 * {@code Fn::If} resolved to the names and ARNs CloudFormation would give them in account {@value #ACCOUNT},
 * region {@value #REGION}. Generated physical names are made up, but stable, so a statement and the calls checked
 * against it agree.
 */
public final class DeployedStack {
  public static final String REGION = "us-east-1";
  public static final String ACCOUNT = "123456789012";
  public static final String STACK = "catalog-dev";
  /** The stack's own ARN ({@code AWS::StackId}). */
  public static final String STACK_ID =
      "arn:aws:cloudformation:" + REGION + ":" + ACCOUNT + ":stack/" + STACK + "/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
  private static final Object NO_VALUE = new Object();
  private static final Pattern SUB = Pattern.compile("\\$\\{([^}]+)}");

  private final JsonNode root;
  private final JsonNode resources;
  private final Map<String, Object> parameters = new HashMap<>();
  private final Map<String, Boolean> decided = new HashMap<>();
  private final TemplateConditions conditions;

  private DeployedStack(JsonNode root, Map<String, String> parameterValues) {
    this.root = root;
    this.resources = root.path("Resources");
    this.conditions = new TemplateConditions(root, this::parameterText);
    root.path("Parameters").fields().forEachRemaining(e -> {
      String value = parameterValues.getOrDefault(e.getKey(), e.getValue().path("Default").asText(""));
      parameters.put(e.getKey(), e.getValue().path("Type").asText().startsWith("CommaDelimitedList") || e.getValue().path("Type").asText().startsWith("List<")
          ? List.of(value.split(",", -1))
          : value);
    });
    parameterValues.forEach((name, value) -> {
      if (!parameters.containsKey(name)) {
        throw new IllegalArgumentException("the template has no parameter " + name);
      }
    });
  }

  public static DeployedStack of(JsonNode translated, Map<String, String> parameterValues) {
    return new DeployedStack(translated, parameterValues);
  }

  public boolean condition(String name) {
    return decided.computeIfAbsent(name, conditions::holds);
  }

  /** Whether the resource is part of this deployment (no {@code Condition}, or one that holds). */
  public boolean exists(String logicalId) {
    JsonNode resource = resources.path(logicalId);
    return !resource.isMissingNode() && (!resource.has("Condition") || condition(resource.get("Condition").asText()));
  }

  public JsonNode resource(String logicalId) {
    return resources.path(logicalId);
  }

  /** Logical ids of the existing resources of this type, in template order. */
  public List<String> resourcesOfType(String type) {
    List<String> ids = new ArrayList<>();
    resources.fields().forEachRemaining(e -> {
      if (type.equals(e.getValue().path("Type").asText()) && exists(e.getKey())) {
        ids.add(e.getKey());
      }
    });
    return ids;
  }

  /** The physical name or id {@code !Ref} gives the resource in this deployment. */
  public String name(String logicalId) {
    return String.valueOf(ref(logicalId));
  }

  /** The resource's ARN in this deployment ({@code !GetAtt id.Arn}). */
  public String arn(String logicalId) {
    return String.valueOf(getAtt(logicalId, "Arn"));
  }

  /** The role a function runs with: the logical id its {@code Role} names. */
  public String roleOf(String functionLogicalId) {
    JsonNode role = resources.path(functionLogicalId).path("Properties").path("Role");
    JsonNode getAtt = role.path("Fn::GetAtt");
    if (getAtt.isArray()) {
      return getAtt.get(0).asText();
    }
    if (getAtt.isTextual()) {
      return getAtt.asText().split("\\.")[0];
    }
    throw new IllegalStateException(functionLogicalId + " has no role of this stack: " + role);
  }

  /**
   * Every statement the role holds in this deployment: its inline {@code Policies} and the
   * {@code AWS::IAM::RolePolicy}/{@code AWS::IAM::Policy} resources attached to it. Managed policy ARNs are
   * reported as statements that allow nothing, named after the ARN, so a test can refuse them.
   */
  public List<PolicyStatement> statements(String roleLogicalId) {
    List<PolicyStatement> out = new ArrayList<>();
    JsonNode properties = resources.path(roleLogicalId).path("Properties");
    for (JsonNode policy : properties.path("Policies")) {
      JsonNode p = policy.path("Fn::If").isArray() ? branch(policy) : policy;
      if (!"AWS::NoValue".equals(p.path("Ref").asText())) {
        addStatements(out, roleLogicalId + "/" + p.path("PolicyName").asText(), p.path("PolicyDocument"));
      }
    }
    resources.fields().forEachRemaining(e -> {
      String type = e.getValue().path("Type").asText();
      JsonNode p = e.getValue().path("Properties");
      boolean attached = ("AWS::IAM::RolePolicy".equals(type) && roleLogicalId.equals(p.path("RoleName").path("Ref").asText()))
          || ("AWS::IAM::Policy".equals(type) && p.path("Roles").toString().contains("\"" + roleLogicalId + "\""));
      if (attached && exists(e.getKey())) {
        addStatements(out, e.getKey(), p.path("PolicyDocument"));
      }
    });
    for (JsonNode arn : properties.path("ManagedPolicyArns")) {
      out.add(new PolicyStatement(roleLogicalId + "/managed:" + text(arn), "Managed", List.of(), List.of()));
    }
    return out;
  }

  private JsonNode branch(JsonNode conditional) {
    JsonNode args = conditional.get("Fn::If");
    JsonNode chosen = condition(args.get(0).asText()) ? args.get(1) : args.get(2);
    return chosen.path("Fn::If").isArray() ? branch(chosen) : chosen;
  }

  private void addStatements(List<PolicyStatement> out, String where, JsonNode document) {
    for (JsonNode statement : document.path("Statement")) {
      if (statement.path("Fn::If").isArray()) {
        JsonNode chosen = branch(statement);
        if ("AWS::NoValue".equals(chosen.path("Ref").asText())) {
          continue;
        }
        statement = chosen;
      }
      out.add(new PolicyStatement(
          where + "#" + statement.path("Sid").asText("(no Sid)"),
          statement.path("Effect").asText(),
          strings(statement.path("Action")),
          strings(statement.path("Resource"))));
    }
  }

  private List<String> strings(JsonNode node) {
    Object value = value(node);
    List<String> out = new ArrayList<>();
    if (value instanceof List<?> list) {
      for (Object item : list) {
        if (item instanceof List<?> nested) {
          nested.forEach(n -> out.add(String.valueOf(n)));
        } else if (item != NO_VALUE) {
          out.add(String.valueOf(item));
        }
      }
    } else if (value != NO_VALUE && value != null) {
      out.add(String.valueOf(value));
    }
    return out;
  }

  /** A value with its intrinsic functions resolved: a String, a List, or the node itself when it is an object. */
  public String text(JsonNode node) {
    return String.valueOf(value(node));
  }

  private Object value(JsonNode node) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return null;
    }
    if (node.isValueNode()) {
      return node.asText();
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      for (JsonNode item : node) {
        Object v = value(item);
        if (v != NO_VALUE) {
          list.add(v);
        }
      }
      return list;
    }
    if (node.size() == 1) {
      Map.Entry<String, JsonNode> fn = node.fields().next();
      JsonNode args = fn.getValue();
      switch (fn.getKey()) {
        case "Ref":
          return ref(args.asText());
        case "Fn::GetAtt": {
          String[] parts = args.isArray() ? new String[] {args.get(0).asText(), args.get(1).asText()} : args.asText().split("\\.", 2);
          return getAtt(parts[0], parts[1]);
        }
        case "Fn::Sub":
          return args.isArray() ? sub(args.get(0).asText(), args.get(1)) : sub(args.asText(), null);
        case "Fn::Join": {
          List<String> parts = new ArrayList<>();
          Object items = value(args.get(1));
          for (Object item : (List<?>) items) {
            parts.add(String.valueOf(item));
          }
          return String.join(args.get(0).asText(), parts);
        }
        case "Fn::If":
          return value(condition(args.get(0).asText()) ? args.get(1) : args.get(2));
        case "Fn::Select":
          return ((List<?>) value(args.get(1))).get(Integer.parseInt(String.valueOf(value(args.get(0)))));
        case "Fn::Split":
          return List.of(String.valueOf(value(args.get(1))).split(Pattern.quote(args.get(0).asText()), -1));
        default:
          break;
      }
    }
    return node;
  }

  private String sub(String text, JsonNode variables) {
    Matcher m = SUB.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      String replacement;
      if (variables != null && variables.has(name)) {
        replacement = String.valueOf(value(variables.get(name)));
      } else if (name.contains(".") && !name.startsWith("AWS::")) {
        String[] parts = name.split("\\.", 2);
        replacement = String.valueOf(getAtt(parts[0], parts[1]));
      } else {
        replacement = String.valueOf(ref(name));
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  private Object ref(String name) {
    switch (name) {
      case "AWS::Region":
        return REGION;
      case "AWS::AccountId":
        return ACCOUNT;
      case "AWS::Partition":
        return "aws";
      case "AWS::StackName":
        return STACK;
      case "AWS::StackId":
        return STACK_ID;
      case "AWS::URLSuffix":
        return "amazonaws.com";
      case "AWS::NoValue":
        return NO_VALUE;
      default:
        break;
    }
    if (parameters.containsKey(name)) {
      return parameters.get(name);
    }
    JsonNode resource = resources.path(name);
    if (resource.isMissingNode()) {
      throw new IllegalArgumentException("Ref to unknown " + name);
    }
    String type = resource.path("Type").asText();
    JsonNode p = resource.path("Properties");
    switch (type) {
      case "AWS::SQS::Queue":
        return "https://sqs." + REGION + ".amazonaws.com/" + ACCOUNT + "/" + name(name, p, "QueueName");
      case "AWS::SNS::Topic":
        return "arn:aws:sns:" + REGION + ":" + ACCOUNT + ":" + name(name, p, "TopicName");
      case "AWS::StepFunctions::StateMachine":
        return "arn:aws:states:" + REGION + ":" + ACCOUNT + ":stateMachine:" + name(name, p, "StateMachineName");
      case "AWS::KMS::Key":
        return "key-" + name.toLowerCase(Locale.ROOT);
      case "AWS::Lambda::Alias":
        return getAtt(functionOf(p.path("FunctionName")), "Arn") + ":" + text(p.path("Name"));
      case "AWS::Lambda::Version":
        return getAtt(functionOf(p.path("FunctionName")), "Arn") + ":1";
      default:
        return name(name, p, nameField(type));
    }
  }

  private String functionOf(JsonNode functionName) {
    return functionName.has("Ref") ? functionName.get("Ref").asText() : functionName.toString();
  }

  private static String nameField(String type) {
    switch (type) {
      case "AWS::DynamoDB::Table":
        return "TableName";
      case "AWS::S3::Bucket":
        return "BucketName";
      case "AWS::Logs::LogGroup":
        return "LogGroupName";
      case "AWS::Lambda::Function":
        return "FunctionName";
      case "AWS::IAM::Role":
        return "RoleName";
      case "AWS::Events::EventBus":
      case "AWS::Events::Rule":
        return "Name";
      default:
        return "Name";
    }
  }

  /** The name the template gives, or CloudFormation's kind of generated one: stack, logical id, a suffix. */
  private String name(String logicalId, JsonNode properties, String field) {
    if (properties.has(field)) {
      return text(properties.get(field));
    }
    String generated = STACK + "-" + logicalId + "-GENERATED";
    return resources.path(logicalId).path("Type").asText().equals("AWS::S3::Bucket") ? generated.toLowerCase(Locale.ROOT) : generated;
  }

  private Object getAtt(String logicalId, String attribute) {
    JsonNode resource = resources.path(logicalId);
    if (resource.isMissingNode()) {
      throw new IllegalArgumentException("GetAtt of unknown " + logicalId);
    }
    String type = resource.path("Type").asText();
    JsonNode p = resource.path("Properties");
    String prefix = ":" + REGION + ":" + ACCOUNT + ":";
    switch (type + "." + attribute) {
      case "AWS::DynamoDB::Table.Arn":
        return "arn:aws:dynamodb" + prefix + "table/" + ref(logicalId);
      case "AWS::DynamoDB::Table.StreamArn":
        return getAtt(logicalId, "Arn") + "/stream/2026-12-05T00:00:00.000";
      case "AWS::SQS::Queue.Arn":
        return "arn:aws:sqs" + prefix + name(logicalId, p, "QueueName");
      case "AWS::SQS::Queue.QueueName":
        return name(logicalId, p, "QueueName");
      case "AWS::SNS::Topic.TopicName":
        return name(logicalId, p, "TopicName");
      case "AWS::SNS::Topic.TopicArn":
        return ref(logicalId);
      case "AWS::S3::Bucket.Arn":
        return "arn:aws:s3:::" + ref(logicalId);
      case "AWS::KMS::Key.Arn":
        return "arn:aws:kms" + prefix + "key/" + ref(logicalId);
      case "AWS::Logs::LogGroup.Arn":
        return "arn:aws:logs" + prefix + "log-group:" + ref(logicalId) + ":*";
      case "AWS::Lambda::Function.Arn":
        return "arn:aws:lambda" + prefix + "function:" + ref(logicalId);
      case "AWS::IAM::Role.Arn":
        return "arn:aws:iam::" + ACCOUNT + ":role/" + ref(logicalId);
      case "AWS::StepFunctions::StateMachine.Name":
        return name(logicalId, p, "StateMachineName");
      case "AWS::StepFunctions::StateMachine.Arn":
        return ref(logicalId);
      case "AWS::Events::EventBus.Name":
        return name(logicalId, p, "Name");
      case "AWS::Events::EventBus.Arn":
        return "arn:aws:events" + prefix + "event-bus/" + name(logicalId, p, "Name");
      case "AWS::Events::Rule.Arn":
        return "arn:aws:events" + prefix + "rule/" + name(logicalId, p, "Name");
      default:
        return "arn:aws:unknown" + prefix + logicalId + "/" + attribute;
    }
  }

  /** A parameter (or pseudo parameter) as a condition compares it: a list comma-joined. */
  private String parameterText(String name) {
    Object v = ref(name);
    return v instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList()) : String.valueOf(v);
  }
}
