package io.cqrssuite.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** template.yaml agrees with the code: handlers exist, jars are the ones Maven builds, references resolve. */
class TemplateConsistencyTest {
  private static final Path ROOT = Path.of("..", "..");
  private static SamTemplate template;
  private static JsonNode resources;

  @BeforeAll
  static void load() throws Exception {
    template = SamTemplate.load(ROOT.resolve("template.yaml"));
    resources = template.root().path("Resources");
  }

  @Test
  void everyFunctionsHandlerIsAStreamHandlerOnTheClasspath() throws Exception {
    assertThat(template.functionIds()).contains("EventFactoryFunction");
    for (String id : template.functionIds()) {
      FunctionSpec function = template.function(id, Map.of(), new ArrayList<>());
      Class<?> type = Class.forName(function.handlerClass());
      assertThat(RequestStreamHandler.class).as(id).isAssignableFrom(type);
      assertThat(function.handler()).as(id).endsWith("::handleRequest");
    }
  }

  @Test
  void codeUriIsTheShadedJarTheFunctionModuleBuilds() throws Exception {
    String codeUri = resources.path("EventFactoryFunction").path("Properties").path("CodeUri").asText();
    assertThat(codeUri).isEqualTo("functions/event-factory/target/event-factory-lambda.jar");
    String pom = Files.readString(ROOT.resolve("functions/event-factory/pom.xml"));
    assertThat(pom).contains("<outputFile>${project.build.directory}/event-factory-lambda.jar</outputFile>");
  }

  @Test
  void pollingSourcesReportBatchItemFailures() {
    int polled = 0;
    for (String id : template.functionIds()) {
      for (JsonNode event : resources.path(id).path("Properties").path("Events")) {
        String type = event.path("Type").asText();
        if (type.equals("SQS") || type.equals("DynamoDB") || type.equals("Kinesis")) {
          polled++;
          assertThat(event.path("Properties").path("FunctionResponseTypes").toString())
              .as(id + " " + type)
              .contains("ReportBatchItemFailures");
        }
        if (type.equals("DynamoDB")) {
          JsonNode p = event.path("Properties");
          assertThat(p.path("BisectBatchOnFunctionError").asBoolean()).isTrue();
          assertThat(p.path("DestinationConfig").path("OnFailure").isMissingNode()).isFalse();
        }
      }
    }
    assertThat(polled).isGreaterThanOrEqualTo(3);
  }

  @Test
  void everyQueueThatIsASourceHasARedrivePolicyOrIsFifoDeadLetter() {
    for (String id : template.functionIds()) {
      for (JsonNode event : resources.path(id).path("Properties").path("Events")) {
        if (event.path("Type").asText().equals("SQS")) {
          String queue = event.path("Properties").path("Queue").path("Fn::GetAtt").asText().split("\\.")[0];
          assertThat(resources.path(queue).path("Properties").has("RedrivePolicy")).as(queue).isTrue();
        }
      }
    }
  }

  @Test
  void everyReferenceNamesADeclaredResourceParameterOrCondition() throws Exception {
    Set<String> declared = new HashSet<>();
    template.root().path("Resources").fieldNames().forEachRemaining(declared::add);
    template.root().path("Parameters").fieldNames().forEachRemaining(declared::add);
    template.root().path("Conditions").fieldNames().forEachRemaining(declared::add);
    // SAM generates these from a function's logical ID.
    for (String id : template.functionIds()) {
      declared.add(id + "Role");
      declared.add(id + ".Alias");
      declared.add(id + "Alias" + "live");
      resources.path(id).path("Properties").path("Events").fieldNames().forEachRemaining(e -> declared.add(id + e));
    }
    List<String> missing = new ArrayList<>();
    collect(template.root(), declared, missing);
    assertThat(missing).as("references to nothing").isEmpty();
  }

  @Test
  void theEventFactoryRunsInTheVpcAndIsToldWhereTheReadModelsAre() {
    JsonNode properties = resources.path("EventFactoryFunction").path("Properties");
    JsonNode vpc = properties.path("VpcConfig");
    assertThat(vpc.path("SubnetIds").path("Ref").asText()).isEqualTo("VpcSubnetIds");
    assertThat(vpc.path("SecurityGroupIds").toString()).contains("\"FunctionSecurityGroup\"");

    JsonNode variables = properties.path("Environment").path("Variables");
    assertThat(variables.path("SUITE_RDS_URL").path("Ref").asText()).isEqualTo("DatabaseJdbcUrl");
    assertThat(variables.path("SUITE_OPENSEARCH_ENDPOINT").path("Ref").asText()).isEqualTo("OpenSearchDomainEndpoint");
    assertThat(variables.path("SUITE_RDS_SECRET_ARN").path("Ref").asText()).isEqualTo("DatabaseSecretArn");
    // The password is read from the secret at run time, never written into the configuration.
    assertThat(variables.has("SUITE_RDS_PASSWORD")).isFalse();
    assertThat(template.root().path("Globals").toString() + variables).doesNotContain("{{resolve:");

    // With the parameters a deployment passes, both resolve the way `sam local invoke` sees them.
    List<String> unresolved = new ArrayList<>();
    FunctionSpec function = template.function(
        "EventFactoryFunction",
        Map.of(
            "DatabaseJdbcUrl", "jdbc:postgresql://proxy.example:5432/catalog",
            "OpenSearchDomainEndpoint", "https://vpc-catalog.eu-west-1.es.amazonaws.com"),
        unresolved);
    assertThat(function.environment())
        .containsEntry("SUITE_RDS_URL", "jdbc:postgresql://proxy.example:5432/catalog")
        .containsEntry("SUITE_OPENSEARCH_ENDPOINT", "https://vpc-catalog.eu-west-1.es.amazonaws.com");
  }

  @Test
  void everySuiteVariableInTheTemplateIsDocumentedInTheReadme() throws Exception {
    String readme = Files.readString(ROOT.resolve("README.md"));
    JsonNode globals = template.root().path("Globals").path("Function").path("Environment").path("Variables");
    globals.fieldNames().forEachRemaining(name -> {
      if (name.startsWith("SUITE_") || name.startsWith("POWERTOOLS_")) {
        assertThat(readme).as(name).contains("`" + name + "`");
      }
    });
  }

  private static final Pattern SUB = Pattern.compile("\\$\\{([A-Za-z0-9]+)(?:\\.[A-Za-z0-9.]+)?}");

  private static void collect(JsonNode node, Set<String> declared, List<String> missing) {
    if (node.isObject()) {
      node.fields().forEachRemaining(e -> {
        String key = e.getKey();
        JsonNode value = e.getValue();
        if (key.equals("Ref") && value.isTextual()) {
          check(value.asText(), declared, missing);
        } else if (key.equals("Fn::GetAtt")) {
          String target = value.isArray() ? value.get(0).asText() : value.asText().split("\\.")[0];
          check(target, declared, missing);
        } else if (key.equals("Fn::Sub")) {
          String text = value.isArray() ? value.get(0).asText() : value.asText();
          Matcher m = SUB.matcher(text);
          while (m.find()) {
            if (!value.isArray() || !value.get(1).has(m.group(1))) {
              check(m.group(1), declared, missing);
            }
          }
        } else if (key.equals("Condition") && value.isTextual()) {
          check(value.asText(), declared, missing);
        }
        collect(value, declared, missing);
      });
    } else if (node.isArray()) {
      node.forEach(child -> collect(child, declared, missing));
    }
  }

  private static void check(String name, Set<String> declared, List<String> missing) {
    if (!name.startsWith("AWS::") && !declared.contains(name)) {
      missing.add(name);
    }
  }
}
