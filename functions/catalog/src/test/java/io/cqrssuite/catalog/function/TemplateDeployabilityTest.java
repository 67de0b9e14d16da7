package io.cqrssuite.catalog.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.testing.lambda.SamTemplate;
import io.cqrssuite.testing.lambda.SamTranslation;
import io.cqrssuite.testing.permissions.DeployedStack;
import io.cqrssuite.testing.permissions.PolicyStatement;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * template.yaml survives a first {@code sam deploy}: cfn-lint (informational checks included) has nothing to say,
 * the real SAM translator accepts it, every function runs with the role the template writes (no account-wide managed
 * policy, no {@code Policies} that SAM would drop), a stack with no read model is the functions, queues, tables,
 * alarms and state machines, and samconfig.toml parses. cfn-lint and aws-sam-translator are Python tools: the tests
 * skip, saying so, on a machine without them (they are installed here and on CI).
 */
class TemplateDeployabilityTest {
  private static final Path ROOT = SampleEvents.repositoryRoot().toAbsolutePath().normalize();
  private static final String PYTHON = SamTranslation.python(System.getenv());
  private static JsonNode template;
  private static JsonNode translated;
  private static String translationUnavailable;

  /** The parameters of a deployment with every read model, in a VPC, with endpoints. */
  static final Map<String, String> FULL = Map.ofEntries(
      Map.entry("VpcId", "vpc-0123456789abcdef0"),
      Map.entry("VpcSubnetIds", "subnet-0aaa,subnet-0bbb"),
      Map.entry("VpcRouteTableIds", "rtb-0aaa"),
      Map.entry("DatabaseJdbcUrl", "jdbc:postgresql://proxy.example:5432/catalog"),
      Map.entry("DatabaseSecretArn", "arn:aws:secretsmanager:us-east-1:123456789012:secret:catalog-AbCdEf"),
      Map.entry("DatabaseSecurityGroupId", "sg-0123456789abcdef0"),
      Map.entry("OpenSearchDomainEndpoint", "https://vpc-catalog-abc.us-east-1.es.amazonaws.com"),
      Map.entry("OpenSearchDomainArn", "arn:aws:es:us-east-1:123456789012:domain/catalog"),
      Map.entry("OpenSearchSecurityGroupId", "sg-0fedcba9876543210"));

  @BeforeAll
  static void translate() throws Exception {
    template = SamTemplate.load(ROOT.resolve("template.yaml")).root();
    Optional<String> missing = SamTranslation.unavailable(PYTHON);
    if (missing.isPresent()) {
      translationUnavailable = missing.get();
      return;
    }
    translated = SamTranslation.translate(PYTHON, ROOT.resolve("template.yaml"));
  }

  @Test
  void cfnLintWithInformationalChecksFindsNothing() throws Exception {
    assertLintClean("template.yaml");
  }

  /** The starter a team copies: the same standards, so what it copies is deployable as is. */
  @Test
  void theStarterTemplateIsLintCleanAndWritesEachFunctionsRole() throws Exception {
    assertLintClean("functions/starter/template.yaml");
    JsonNode resources = io.cqrssuite.testing.lambda.SamTemplate.load(ROOT.resolve("functions/starter/template.yaml")).root().path("Resources");
    List<String> functions = new ArrayList<>();
    resources.fields().forEachRemaining(e -> {
      if ("AWS::Serverless::Function".equals(e.getValue().path("Type").asText())) {
        functions.add(e.getKey());
        assertThat(e.getValue().path("Properties").has("Role")).as(e.getKey() + " has its own role").isTrue();
        assertThat(e.getValue().path("Properties").has("Policies")).as(e.getKey() + ": SAM drops Policies when Role is set").isFalse();
      }
    });
    assertThat(functions).containsExactly("StarterFunction", "SchemaMigrationFunction");
  }

  private static void assertLintClean(String template) throws Exception {
    Process process;
    try {
      process = new ProcessBuilder("cfn-lint", template, "--include-checks", "I")
          .directory(ROOT.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      assumeTrue(false, "cfn-lint is not installed (pip install cfn-lint): " + e.getMessage());
      return;
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(180, TimeUnit.SECONDS)).isTrue();
    assertThat(output).as("cfn-lint " + template + " --include-checks I").isEmpty();
    assertThat(process.exitValue()).isZero();
  }

  @Test
  void everyFunctionRunsWithTheRoleTheTemplateWritesAndNoManagedPolicy() {
    assumeTrue(translated != null, translationUnavailable);
    // SAM silently ignores a function's Policies when it has a Role: one of the two only, and here always Role.
    JsonNode source = templateResources();
    List<String> functions = new ArrayList<>();
    source.fields().forEachRemaining(e -> {
      if ("AWS::Serverless::Function".equals(e.getValue().path("Type").asText())) {
        functions.add(e.getKey());
        JsonNode properties = e.getValue().path("Properties");
        assertThat(properties.has("Role")).as(e.getKey() + " has its own role").isTrue();
        assertThat(properties.has("Policies")).as(e.getKey() + ": SAM drops Policies when Role is set").isFalse();
      }
    });
    assertThat(functions).containsExactly(
        "EventFactoryFunction", "StreamFailureFunction", "SchemaMigrationFunction", "OperationsFunction");

    for (Map<String, String> parameters : List.of(Map.<String, String>of(), FULL)) {
      DeployedStack stack = DeployedStack.of(translated, parameters);
      for (String function : stack.resourcesOfType("AWS::Lambda::Function")) {
        String role = stack.roleOf(function);
        assertThat(stack.resource(role).path("Type").asText()).isEqualTo("AWS::IAM::Role");
        List<PolicyStatement> statements = stack.statements(role);
        assertThat(statements).as(role).isNotEmpty();
        assertThat(statements).as(role + ": no managed policy (they reach every queue and stream of the account)")
            .noneMatch(s -> s.where().contains("/managed:"));
        assertThat(statements).as(role + ": no sqs/dynamodb action on every resource")
            .noneMatch(s -> s.resources().contains("*") && s.actions().stream().anyMatch(a -> a.startsWith("sqs:") || a.startsWith("dynamodb:")));
      }
    }
  }

  @Test
  void withoutReadModelsTheStackIsFunctionsQueuesTablesAlarmsAndStateMachines() {
    assumeTrue(translated != null, translationUnavailable);
    DeployedStack minimal = DeployedStack.of(translated, Map.of());
    assertThat(minimal.resourcesOfType("AWS::Lambda::Function")).containsExactlyInAnyOrder("EventFactoryFunction", "StreamFailureFunction");
    assertThat(minimal.resourcesOfType("AWS::EC2::SecurityGroup")).isEmpty();
    assertThat(minimal.resourcesOfType("AWS::EC2::VPCEndpoint")).isEmpty();
    assertThat(minimal.resourcesOfType("AWS::CloudFormation::CustomResource")).isEmpty();
    assertThat(minimal.exists("ReadModelSchema")).isFalse();
    assertThat(minimal.resource("EventFactoryFunction").path("Properties").path("VpcConfig").path("Fn::If").get(0).asText()).isEqualTo("InVpc");
    String eventFactory = minimal.statements("EventFactoryRole").toString();
    assertThat(eventFactory).doesNotContain("rds-db:connect", "es:ESHttp", "secretsmanager:", "ec2:CreateNetworkInterface");
    assertThat(minimal.resourcesOfType("AWS::StepFunctions::StateMachine")).hasSize(2);
    assertThat(minimal.resourcesOfType("AWS::DynamoDB::Table")).hasSize(5);
    assertThat(minimal.resourcesOfType("AWS::CloudWatch::Alarm")).hasSizeGreaterThan(30);

    DeployedStack full = DeployedStack.of(translated, FULL);
    assertThat(full.resourcesOfType("AWS::Lambda::Function")).contains("SchemaMigrationFunction");
    assertThat(full.exists("ReadModelSchema")).isTrue();
    assertThat(full.exists("DatabaseIngressFromFunction")).isTrue();
    assertThat(full.resourcesOfType("AWS::EC2::VPCEndpoint")).hasSize(6);
    assertThat(full.statements("EventFactoryRole").toString())
        .contains("secretsmanager:GetSecretValue", "es:ESHttpPost", "ec2:CreateNetworkInterface")
        .doesNotContain("rds-db:connect");
    DeployedStack iamAuth = DeployedStack.of(translated, Map.of(
        "DatabaseJdbcUrl", "jdbc:postgresql://proxy.example:5432/catalog", "DatabaseIamAuth", "true", "DatabaseResourceId", "prx-0abc"));
    assertThat(iamAuth.statements("EventFactoryRole").toString())
        .contains("rds-db:connect", "dbuser:prx-0abc/catalog_sync")
        .doesNotContain("secretsmanager:");
  }

  @Test
  void statefulResourcesAreRetainedAndWorkQueuesAndLogGroupsGoWithTheStack() {
    JsonNode resources = templateResources();
    List<String> retained = List.of("ProductCommandTable", "ProductDataTable", "ProductHistoryTable", "IdempotencyTable",
        "ImportProgressTable", "OrdersDeadLetterQueue", "OrdersFifoDeadLetterQueue", "AsyncFailuresQueue", "StreamFailuresQueue",
        "StreamFailuresDeadLetterQueue", "DeadLetterQueue", "ImportChunkDeadLetterQueue", "DeadLetterBucket", "CommandBucket",
        "ImportBucket", "SuiteKey");
    for (String id : retained) {
      assertThat(resources.path(id).path("DeletionPolicy").asText()).as(id).isEqualTo("RetainExceptOnCreate");
      assertThat(resources.path(id).path("UpdateReplacePolicy").asText()).as(id).isEqualTo("Retain");
    }
    resources.fields().forEachRemaining(e -> {
      String type = e.getValue().path("Type").asText();
      boolean disposable = type.equals("AWS::Logs::LogGroup") || (type.equals("AWS::SQS::Queue") && !retained.contains(e.getKey()));
      if (disposable) {
        assertThat(e.getValue().path("DeletionPolicy").asText()).as(e.getKey()).isEqualTo("Delete");
        assertThat(e.getValue().path("UpdateReplacePolicy").asText()).as(e.getKey()).isEqualTo("Delete");
      }
    });
    JsonNode bucket = resources.path("DeadLetterBucket").path("Properties");
    assertThat(bucket.path("VersioningConfiguration").path("Status").asText()).isEqualTo("Enabled");
    assertThat(resources.path("DeadLetterBucketPolicy").toString()).contains("aws:SecureTransport", "\"Deny\"");
    assertThat(resources.path("SuiteKey").path("Properties").path("KeyPolicy").toString()).contains("aws:SourceAccount");
  }

  @Test
  void everyAlarmSaysWhenItIsOverAndEveryFunctionQueueAndStateMachineHasOne() {
    JsonNode resources = templateResources();
    List<String> alarmed = new ArrayList<>();
    resources.fields().forEachRemaining(e -> {
      if ("AWS::CloudWatch::Alarm".equals(e.getValue().path("Type").asText())) {
        JsonNode p = e.getValue().path("Properties");
        assertThat(p.path("OKActions").toString()).as(e.getKey()).contains("AlarmTopic");
        assertThat(p.path("AlarmActions").toString()).as(e.getKey()).contains("AlarmTopic");
        alarmed.add(p.path("MetricName").asText() + " " + p.path("Dimensions").toString());
      }
    });
    resources.fields().forEachRemaining(e -> {
      String type = e.getValue().path("Type").asText();
      // !Ref X or !GetAtt X.QueueName, in the long form the reader gives.
      Predicate<String> names = a -> a.contains("\"" + e.getKey() + "\"") || a.contains("\"" + e.getKey() + ".");
      if (type.equals("AWS::SQS::Queue")) {
        assertThat(alarmed).as(e.getKey() + " age").anyMatch(a -> a.startsWith("ApproximateAgeOfOldestMessage ") && names.test(a));
      } else if (type.equals("AWS::Serverless::Function")) {
        for (String metric : List.of("Errors", "Throttles")) {
          assertThat(alarmed).as(e.getKey() + " " + metric).anyMatch(a -> a.startsWith(metric + " ") && names.test(a));
        }
      } else if (type.equals("AWS::Serverless::StateMachine")) {
        for (String metric : List.of("ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted", "ExecutionThrottled")) {
          assertThat(alarmed).as(e.getKey() + " " + metric).anyMatch(a -> a.startsWith(metric + " ") && names.test(a));
        }
        JsonNode p = e.getValue().path("Properties");
        assertThat(p.path("Logging").path("Level").asText()).as(e.getKey()).isEqualTo("ERROR");
        assertThat(p.path("Logging").path("IncludeExecutionData").asBoolean()).as(e.getKey()).isFalse();
        assertThat(p.path("Tracing").path("Enabled").asBoolean()).as(e.getKey()).isTrue();
      }
    });
    JsonNode stream = resources.path("EventFactoryFunction").path("Properties").path("Events").path("ProductCommandStream").path("Properties");
    assertThat(stream.path("MaximumRecordAgeInSeconds").asInt())
        .as("given up well within the stream's 24 h, so the pointer's records can still be read").isLessThanOrEqualTo(21_600);
    JsonNode deployment = resources.path("EventFactoryFunction").path("Properties").path("DeploymentPreference");
    assertThat(deployment.path("Alarms").toString()).contains("LiveAliasErrorsAlarm", "LiveAliasThrottlesAlarm");
  }

  @Test
  void theDeadLetterQueueTakesWhatTheFunctionSendsBeforeItOffloads() {
    // The function offloads envelopes to the bucket from the SQS channel's limit on; a queue left at a smaller
    // MaximumMessageSize would refuse the envelopes in between.
    JsonNode queue = templateResources().path("DeadLetterQueue").path("Properties");
    assertThat(queue.path("MaximumMessageSize").asInt()).isEqualTo(io.cqrssuite.payload.Channel.SQS.maxBytes());
  }

  @Test
  void samconfigDeploysTheDevStageWithNamedRoles() throws Exception {
    JsonNode config = new TomlMapper().readTree(ROOT.resolve("samconfig.toml").toFile());
    assertThat(config.path("version").asDouble()).isEqualTo(0.1);
    JsonNode deploy = config.path("default").path("deploy").path("parameters");
    assertThat(config.path("default").path("global").path("parameters").path("stack_name").asText()).isEqualTo("catalog-dev");
    assertThat(deploy.path("capabilities").asText()).contains("CAPABILITY_IAM", "CAPABILITY_NAMED_IAM");
    assertThat(deploy.path("resolve_s3").asBoolean()).isTrue();
    // Every override names a parameter of the template, with a value its pattern or list accepts.
    JsonNode parameters = templateRoot().path("Parameters");
    for (String environment : List.of("default", "prod")) {
      String overrides = config.path(environment).path("deploy").path("parameters").path("parameter_overrides").asText();
      Matcher m = Pattern.compile("(\\w+)=\"([^\"]*)\"").matcher(overrides);
      int count = 0;
      while (m.find()) {
        count++;
        JsonNode parameter = parameters.path(m.group(1));
        assertThat(parameter.isMissingNode()).as(environment + ": " + m.group(1) + " is a parameter").isFalse();
        if (parameter.has("AllowedValues")) {
          assertThat(parameter.path("AllowedValues").toString()).as(m.group(1)).contains("\"" + m.group(2) + "\"");
        }
        if (parameter.has("AllowedPattern")) {
          assertThat(m.group(2)).as(m.group(1)).matches(parameter.path("AllowedPattern").asText());
        }
      }
      assertThat(count).as(environment).isPositive();
    }
  }

  private static JsonNode templateRoot() {
    return template;
  }

  private static JsonNode templateResources() {
    return template.path("Resources");
  }
}
