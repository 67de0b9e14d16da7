package io.cqrssuite.catalog.function;

import io.cqrssuite.command.CommandTables;
import io.cqrssuite.entity.EntityMapping;
import io.cqrssuite.entity.TableMappingConfig;
import io.cqrssuite.entity.TableMapping;
import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.testing.lambda.FunctionSpec;
import io.cqrssuite.testing.lambda.SamTemplate;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import io.cqrssuite.workflow.TaskHeartbeats;
import io.cqrssuite.catalog.imports.ImportSettings;
import io.cqrssuite.catalog.imports.CsvImportSummaryRequested;
import io.cqrssuite.catalog.imports.CsvImportPlanRequested;
import io.cqrssuite.catalog.imports.CsvImportChunk;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.command.CommandSettings;
import io.cqrssuite.command.CommandSyncSettings;
import io.cqrssuite.command.CommandSyncTask;
import io.cqrssuite.catalog.function.SchemaMigrationHandler;
import io.cqrssuite.task.TaskErrors;
import io.cqrssuite.reliability.stream.StreamFailureHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** template.yaml agrees with the code: handlers exist, jars are the ones Maven builds, references resolve. */
class TemplateConsistencyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path ROOT = SampleEvents.repositoryRoot();
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
    assertThat(codeUri).isEqualTo("functions/catalog/target/catalog-lambda.jar");
    String pom = Files.readString(ROOT.resolve("functions/catalog/pom.xml"));
    assertThat(pom).contains("<outputFile>${project.build.directory}/catalog-lambda.jar</outputFile>");
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
    JsonNode vpc = properties.path("VpcConfig").path("Fn::If");
    assertThat(vpc.get(0).asText()).as("in the VPC only when there is one").isEqualTo("InVpc");
    assertThat(vpc.get(1).path("SubnetIds").path("Ref").asText()).isEqualTo("VpcSubnetIds");
    assertThat(vpc.get(1).path("SecurityGroupIds").toString()).contains("\"FunctionSecurityGroup\"");
    assertThat(vpc.get(2).path("Ref").asText()).isEqualTo("AWS::NoValue");

    JsonNode variables = properties.path("Environment").path("Variables");
    assertThat(variables.path("SUITE_RDS_URL").path("Fn::If").toString()).contains("HasRds", "DatabaseJdbcUrl", "AWS::NoValue");
    assertThat(variables.path("SUITE_OPENSEARCH_ENDPOINT").path("Fn::If").toString())
        .contains("HasOpenSearch", "OpenSearchDomainEndpoint", "AWS::NoValue");
    assertThat(variables.path("SUITE_RDS_SECRET_ARN").path("Fn::If").toString()).contains("HasDatabaseSecret", "DatabaseSecretArn");
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
        .containsEntry("SUITE_OPENSEARCH_ENDPOINT", "https://vpc-catalog.eu-west-1.es.amazonaws.com")
        .containsEntry("SUITE_OPENSEARCH_SIGV4", "true");
    assertThat(unresolved).doesNotContain("SUITE_RDS_URL", "SUITE_OPENSEARCH_ENDPOINT");

    // Without them (the parameters' empty defaults), the read models are not configured at all: no variable is set.
    FunctionSpec minimal = template.function("EventFactoryFunction", Map.of(), new ArrayList<>());
    assertThat(minimal.environment().keySet())
        .doesNotContain("SUITE_RDS_URL", "SUITE_RDS_SECRET_ARN", "SUITE_OPENSEARCH_ENDPOINT")
        .contains("SUITE_TABLE_MAPPINGS", "SUITE_UNHANDLED_EVENTS");
    assertThat(template.condition("HasReadModel", Map.of())).isFalse();
    assertThat(template.condition("InVpc", Map.of())).isFalse();
    assertThat(template.condition("HasReadModel", Map.of("OpenSearchDomainEndpoint", "https://x.es.amazonaws.com"))).isTrue();
    assertThat(template.condition("HasVpcEndpoints", Map.of("VpcId", "vpc-0abc"))).isTrue();
    assertThat(template.condition("UseIamAuth", Map.of("DatabaseIamAuth", "true"))).as("IAM auth needs a database").isFalse();
  }

  /** Every statement a role's policies hold, both branches of each {@code Fn::If} (but no {@code AWS::NoValue}). */
  static List<JsonNode> roleStatements(String roleId) {
    List<JsonNode> statements = new ArrayList<>();
    for (JsonNode policy : resources.path(roleId).path("Properties").path("Policies")) {
      branches(policy).forEach(p -> p.path("PolicyDocument").path("Statement").forEach(st -> statements.addAll(branches(st))));
    }
    resources.fields().forEachRemaining(e -> {
      JsonNode r = e.getValue();
      if ("AWS::IAM::RolePolicy".equals(r.path("Type").asText()) && roleId.equals(r.path("Properties").path("RoleName").path("Ref").asText())) {
        r.path("Properties").path("PolicyDocument").path("Statement").forEach(statements::add);
      }
    });
    return statements;
  }

  private static List<JsonNode> branches(JsonNode node) {
    JsonNode condition = node.path("Fn::If");
    if (!condition.isArray()) {
      return List.of(node);
    }
    List<JsonNode> out = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      if (!"AWS::NoValue".equals(condition.get(i).path("Ref").asText())) {
        out.addAll(branches(condition.get(i)));
      }
    }
    return out;
  }

  @Test
  void theReadModelSchemaIsACustomResourceOfTheMigrationFunction() throws Exception {
    FunctionSpec migration = template.function("SchemaMigrationFunction", Map.of(), new ArrayList<>());
    assertThat(migration.handlerClass()).isEqualTo(SchemaMigrationHandler.class.getName());
    assertThat(RequestStreamHandler.class).isAssignableFrom(Class.forName(migration.handlerClass()));
    assertThat(migration.timeoutSeconds()).isEqualTo(840);

    JsonNode schema = resources.path("ReadModelSchema");
    assertThat(schema.path("Type").asText()).isEqualTo("Custom::SchemaMigration");
    JsonNode serviceToken = schema.path("Properties").path("ServiceToken").path("Fn::GetAtt");
    assertThat(serviceToken.isArray() ? serviceToken.get(0).asText() + "." + serviceToken.get(1).asText() : serviceToken.asText())
        .isEqualTo("SchemaMigrationFunction.Arn");
    assertThat(schema.path("Condition").asText()).isEqualTo("HasReadModel");
    assertThat(schema.path("Metadata").path("DatabaseReady").toString()).contains("HasDatabaseIngress", "DatabaseIngressFromFunction");
  }

  @Test
  void theMigrationFunctionReachesTheReadModelsAsTheEventFactoryDoes() {
    JsonNode migration = resources.path("SchemaMigrationFunction").path("Properties");
    JsonNode eventFactory = resources.path("EventFactoryFunction").path("Properties");
    assertThat(migration.path("CodeUri")).isEqualTo(eventFactory.path("CodeUri"));
    assertThat(migration.path("VpcConfig")).isEqualTo(eventFactory.path("VpcConfig"));
    assertThat(migration.has("Events")).as("CloudFormation is its only caller").isFalse();

    JsonNode variables = migration.path("Environment").path("Variables");
    JsonNode eventFactoryVariables = eventFactory.path("Environment").path("Variables");
    assertThat(variables.size()).isGreaterThanOrEqualTo(7);
    // What it shares with the event factory has the same value; the rest is the migration pipeline's own.
    Set<String> ownVariables = Set.of("SUITE_BACKUP_BUCKET", "SUITE_BACKUP_KMS_KEY_ID", "SUITE_BACKUP_RETENTION_DAYS");
    variables.fieldNames().forEachRemaining(name -> {
      if (!ownVariables.contains(name)) {
        assertThat(variables.get(name)).as(name).isEqualTo(eventFactoryVariables.get(name));
      }
    });
    for (String shared : List.of("SUITE_TABLE_MAPPINGS", "SUITE_COMMAND_DATA_TABLE", "SUITE_COMMAND_BUCKET", "SUITE_ALARM_TOPIC_ARN")) {
      assertThat(variables.has(shared)).as("the pipeline's reconcile, resync and alarm need %s", shared).isTrue();
    }
    assertThat(variables.path("SUITE_BACKUP_BUCKET").toString()).contains("HasRds", "BackupBucket");
    assertThat(variables.path("SUITE_BACKUP_KMS_KEY_ID").toString()).contains("SuiteKey.Arn");
    assertThat(variables.path("SUITE_BACKUP_RETENTION_DAYS").path("Ref").asText()).isEqualTo("BackupRetentionDays");
    assertThat(variables.has("SUITE_RDS_PASSWORD")).isFalse();

    assertThat(migration.has("Policies")).as("SAM drops Policies when Role is set").isFalse();
    assertThat(migration.path("Role").path("Fn::GetAtt").asText()).isEqualTo("SchemaMigrationRole.Arn");
    String policies = roleStatements("SchemaMigrationRole").toString();
    assertThat(policies)
        .contains("secretsmanager:GetSecretValue", "DatabaseSecretArn", "rds-db:connect", "es:ESHttpPut", "OpenSearchDomainArn");
  }

  /**
   * OperationsFunction reads the source and the read models as the sync does: every variable it shares with the event
   * factory has the same value (table mappings, command side, read models), it runs in the same network, the schedule
   * asks it for a reconcile, and the resync workflow invokes it and nothing else.
   */
  @Test
  void theOperationsFunctionSeesWhatTheEventFactorySeesAndTheResyncWorkflowInvokesIt() throws Exception {
    JsonNode operations = resources.path("OperationsFunction").path("Properties");
    JsonNode eventFactory = resources.path("EventFactoryFunction").path("Properties");
    assertThat(resources.path("OperationsFunction").path("Condition").asText()).isEqualTo("HasReadModel");
    assertThat(operations.path("CodeUri")).isEqualTo(eventFactory.path("CodeUri"));
    assertThat(operations.path("VpcConfig")).isEqualTo(eventFactory.path("VpcConfig"));
    assertThat(operations.path("Handler").asText()).isEqualTo(OperationsHandler.class.getName() + "::handleRequest");
    JsonNode variables = operations.path("Environment").path("Variables");
    JsonNode eventFactoryVariables = eventFactory.path("Environment").path("Variables");
    for (String shared : List.of("SUITE_RDS_URL", "SUITE_RDS_USER", "SUITE_RDS_SECRET_ARN", "SUITE_RDS_IAM_AUTH", "SUITE_OPENSEARCH_ENDPOINT",
        "SUITE_OPENSEARCH_SIGV4", "SUITE_OPENSEARCH_INDEX", "SUITE_OPENSEARCH_BACKFILL_CHECK_SECONDS", "SUITE_TABLE_MAPPINGS", "SUITE_COMMAND_TABLE", "SUITE_COMMAND_DATA_TABLE",
        "SUITE_COMMAND_HISTORY_TABLE", "SUITE_COMMAND_BUCKET", "SUITE_ALARM_TOPIC_ARN")) {
      assertThat(variables.get(shared)).as(shared).isNotNull().isEqualTo(eventFactoryVariables.get(shared));
    }
    assertThat(variables.path("SUITE_RESYNC_CHECKPOINT_TABLE").path("Ref").asText()).isEqualTo("ResyncCheckpointTable");
    assertThat(operations.path("Role").path("Fn::GetAtt").asText()).isEqualTo("OperationsRole.Arn");
    JsonNode schedule = operations.path("Events").path("ScheduledReconcile").path("Properties");
    assertThat(JSON.readTree(schedule.path("Input").asText()).path("action").asText()).isEqualTo("reconcile");

    JsonNode machine = resources.path("ResyncStateMachine").path("Properties");
    assertThat(machine.path("Type").asText()).isEqualTo("STANDARD");
    String definition = Files.readString(ROOT.resolve(machine.path("DefinitionUri").asText()));
    Set<String> placeholders = new TreeSet<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{([A-Za-z0-9]+)}").matcher(definition);
    while (m.find()) {
      placeholders.add(m.group(1));
    }
    assertThat(placeholders).isEqualTo(new TreeSet<>(List.of("OperationsFunctionArn")));
    assertThat(machine.path("DefinitionSubstitutions").path("OperationsFunctionArn").path("Fn::GetAtt").asText())
        .isEqualTo("OperationsFunction.Arn");
    JsonNode states = JSON.readTree(definition).path("States");
    assertThat(states.path("ResyncSegments").path("MaxConcurrency").asInt()).isBetween(1, 32);
    JsonNode turn = states.path("ResyncSegments").path("ItemProcessor").path("States").path("ResyncSegmentTurn");
    assertThat(turn.path("Retry")).as("one retrier: the history bound counts 3 retries a turn").hasSize(1);
    assertThat(turn.path("Retry").get(0).path("MaxAttempts").asInt()).isEqualTo(3);
    assertThat(turn.path("Retry").get(0).path("ErrorEquals").toString()).contains("Lambda.ServiceException", "Lambda.TooManyRequestsException");
    // The backfill's own tasks: one retrier of at most 3 retries each (the bound counts 14 events each), and a
    // refused swap is not among what they retry.
    for (String task : List.of("OpenNextIndex", "FinishBackfill")) {
      JsonNode retry = states.path(task).path("Retry");
      assertThat(retry).as(task).hasSize(1);
      assertThat(retry.get(0).path("MaxAttempts").asInt()).as(task).isLessThanOrEqualTo(3);
      assertThat(retry.get(0).path("ErrorEquals").toString()).as(task).doesNotContain("BackfillNotSwapped", "States.ALL");
    }
    assertThat(states.path("WaitForDiscovery").path("SecondsPath").asText()).isEqualTo("$.run.versions.waitSeconds");
  }

  /**
   * The command stream's on-failure pointers are consumed: the queue the mapping sends them to is a source of
   * StreamFailureFunction, which may read that stream and nothing else of it, and writes where the event factory's
   * dead letters go.
   */
  @Test
  void theStreamMappingsPointersReachTheFunctionThatReadsTheStream() {
    FunctionSpec function = template.function("StreamFailureFunction", Map.of(), new ArrayList<>());
    assertThat(function.handlerClass()).isEqualTo(StreamFailureHandler.class.getName());
    JsonNode properties = resources.path("StreamFailureFunction").path("Properties");

    JsonNode destination =
        resources.path("EventFactoryFunction").path("Properties").path("Events").path("ProductCommandStream")
            .path("Properties").path("DestinationConfig").path("OnFailure").path("Destination");
    JsonNode source = properties.path("Events").path("StreamFailures");
    assertThat(source.path("Type").asText()).isEqualTo("SQS");
    assertThat(source.path("Properties").path("Queue")).isEqualTo(destination);
    assertThat(destination.path("Fn::GetAtt").asText()).isEqualTo("StreamFailuresQueue.Arn");
    // Lambda refuses an SQS mapping whose queue hides a message for less than the function may run.
    assertThat(resources.path("StreamFailuresQueue").path("Properties").path("VisibilityTimeout").asInt())
        .isGreaterThanOrEqualTo(function.timeoutSeconds());

    JsonNode streamRead = null;
    for (JsonNode statement : roleStatements("StreamFailureRole")) {
      if (statement.path("Action").toString().contains("dynamodb:GetRecords")) {
        streamRead = statement;
      }
    }
    assertThat(streamRead).as("a statement allowing dynamodb:GetRecords").isNotNull();
    assertThat(streamRead.path("Action").toString()).contains("dynamodb:GetShardIterator", "dynamodb:GetRecords");
    JsonNode streamArn =
        resources.path("EventFactoryFunction").path("Properties").path("Events").path("ProductCommandStream").path("Properties").path("Stream");
    assertThat(streamRead.path("Resource")).isEqualTo(streamArn);

    JsonNode variables = properties.path("Environment").path("Variables");
    JsonNode eventFactoryVariables = resources.path("EventFactoryFunction").path("Properties").path("Environment").path("Variables");
    for (String name : new String[] {"SUITE_DEAD_LETTER_QUEUE_URL", "SUITE_DEAD_LETTER_BUCKET", "SUITE_ALARM_TOPIC_ARN"}) {
      assertThat(variables.get(name)).as(name).isNotNull().isEqualTo(eventFactoryVariables.get(name));
    }
    assertThat(roleStatements("StreamFailureRole").toString()).contains("DeadLetterQueue.Arn", "DeadLetterBucket.Arn", "AlarmTopic");
  }

  /**
   * ReadModelSchema's {@code SchemaVersion} must change whenever the migrations or index templates do, or a deploy
   * would ship them without applying them: it is the hash computed here, and this test names the new value.
   */
  @Test
  void theSchemaVersionIsTheHashOfTheMigrationsAndIndexTemplates() throws Exception {
    String expected = schemaVersion(ROOT.resolve("functions/catalog/src/main/resources"));
    String actual = resources.path("ReadModelSchema").path("Properties").path("SchemaVersion").asText();
    assertThat(actual)
        .as("the catalog's migrations or index template changed: set ReadModelSchema's SchemaVersion in template.yaml to '%s'", expected)
        .isEqualTo(expected);
  }

  /**
   * SHA-256 over every {@code db/migration/**.sql} and {@code opensearch/**.json} of the catalog's resources: path
   * (relative to the resources), NUL, text (LF), NUL.
   */
  private static String schemaVersion(Path resources) throws Exception {
    List<Path> files = new ArrayList<>();
    for (String[] part : new String[][] {{"db/migration", ".sql"}, {"opensearch", ".json"}}) {
      try (Stream<Path> walk = Files.walk(resources.resolve(part[0]))) {
        walk.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().endsWith(part[1])).forEach(files::add);
      }
    }
    List<String> names = new ArrayList<>();
    for (Path file : files) {
      names.add(resources.relativize(file).toString().replace('\\', '/'));
    }
    Collections.sort(names);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (String name : names) {
      sha.update(name.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(Files.readString(resources.resolve(name)).replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
    }
    return "sha256:" + HexFormat.of().formatHex(sha.digest()).substring(0, 16);
  }

  @Test
  void everySuiteVariableInTheTemplateIsDocumentedOnTheConfigurationPage() throws Exception {
    String readme = Files.readString(ROOT.resolve("docs/configuration.md"));
    JsonNode globals = template.root().path("Globals").path("Function").path("Environment").path("Variables");
    globals.fieldNames().forEachRemaining(name -> {
      if (name.startsWith("SUITE_") || name.startsWith("POWERTOOLS_")) {
        assertThat(readme).as(name).contains("`" + name + "`");
      }
    });
  }

  @Test
  void theModulesThreeTablesHaveStreamsWithBothImagesTtlAndPointInTimeRecovery() {
    for (String table : List.of("ProductCommandTable", "ProductDataTable", "ProductHistoryTable")) {
      JsonNode properties = resources.path(table).path("Properties");
      assertThat(properties.path("StreamSpecification").path("StreamViewType").asText()).as(table).isEqualTo("NEW_AND_OLD_IMAGES");
      assertThat(properties.path("TimeToLiveSpecification").path("AttributeName").asText()).as(table).isEqualTo("ttl");
      assertThat(properties.path("TimeToLiveSpecification").path("Enabled").asBoolean()).as(table).isTrue();
      assertThat(properties.path("PointInTimeRecoverySpecification").path("PointInTimeRecoveryEnabled").asBoolean()).as(table).isTrue();
      assertThat(resources.path(table).path("DeletionPolicy").asText()).as(table).isEqualTo("RetainExceptOnCreate");
      assertThat(resources.path(table).path("UpdateReplacePolicy").asText()).as(table).isEqualTo("Retain");
    }
  }

  @Test
  void theEventFactoryIsToldTheCommandSideAndMayStartOnlyTheCommandSyncWorkflow() throws Exception {
    JsonNode properties = resources.path("EventFactoryFunction").path("Properties");
    JsonNode variables = properties.path("Environment").path("Variables");
    String readme = Files.readString(ROOT.resolve("docs/configuration.md"));
    variables.fieldNames().forEachRemaining(name -> {
      if (name.startsWith("SUITE_COMMAND_")) {
        assertThat(readme).as(name).contains("`" + name + "`");
      }
    });
    assertThat(variables.path(CommandSettings.TABLE).path("Ref").asText()).isEqualTo("ProductCommandTable");
    assertThat(variables.path(CommandSettings.DATA_TABLE).path("Ref").asText()).isEqualTo("ProductDataTable");
    assertThat(variables.path(CommandSettings.HISTORY_TABLE).path("Ref").asText()).isEqualTo("ProductHistoryTable");
    assertThat(variables.path(CommandSettings.BUCKET).path("Ref").asText()).isEqualTo("CommandBucket");
    assertThat(variables.path(CommandSyncSettings.MODE).path("Ref").asText()).isEqualTo("CommandSyncMode");
    assertThat(template.root().path("Parameters").path("CommandSyncMode").path("Default").asText()).isEqualTo("direct");
    // The ARN is built from the state machine's name (a Ref would be circular): the two must name the same machine.
    String name = resources.path("CommandSyncStateMachine").path("Properties").path("Name").path("Fn::Sub").asText();
    String arn = variables.path(CommandSyncSettings.STATE_MACHINE_ARN).path("Fn::Sub").asText();
    assertThat(arn).endsWith(":stateMachine:" + name);

    String statements = roleStatements("EventFactoryRole").toString();
    assertThat(statements).contains("states:StartExecution", "states:DescribeExecution", ":execution:" + name + ":*");
    assertThat(statements).contains("s3:GetObject", "s3:PutObject", "${CommandBucket.Arn}/*");
    // The API and the CSV import publish commands: a read-only policy here failed every imported row on AWS.
    JsonNode commandTable = roleStatements("EventFactoryRole").stream()
        .filter(st -> "ProductCommandTable.Arn".equals(st.path("Resource").path("Fn::GetAtt").asText()))
        .findFirst().orElseThrow();
    assertThat(commandTable.path("Action").toString()).contains("dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:Query");
  }

  @Test
  void theCommandBucketKeepsItsObjectsEncryptedVersionedAndPrivate() {
    JsonNode bucket = resources.path("CommandBucket");
    JsonNode properties = bucket.path("Properties");
    assertThat(properties.has("LifecycleConfiguration")).as("pointers must never dangle: no expiry").isFalse();
    assertThat(properties.path("VersioningConfiguration").path("Status").asText()).isEqualTo("Enabled");
    assertThat(properties.path("BucketEncryption").toString()).contains("SSEAlgorithm");
    JsonNode block = properties.path("PublicAccessBlockConfiguration");
    for (String setting : List.of("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")) {
      assertThat(block.path(setting).asBoolean()).as(setting).isTrue();
    }
    assertThat(bucket.path("DeletionPolicy").asText()).isEqualTo("RetainExceptOnCreate");
  }

  /**
   * The schema backups hold the read model's rows: encrypted with the suite's key, private, TLS only, expired after
   * the retention the migration function is given, and there only with a relational read model.
   */
  @Test
  void theBackupBucketIsEncryptedWithTheSuitesKeyPrivateTlsOnlyAndExpiresBackupsAfterTheRetention() {
    JsonNode bucket = resources.path("BackupBucket");
    assertThat(bucket.path("Condition").asText()).isEqualTo("HasRds");
    JsonNode properties = bucket.path("Properties");
    JsonNode encryption = properties.path("BucketEncryption").path("ServerSideEncryptionConfiguration").get(0);
    assertThat(encryption.path("ServerSideEncryptionByDefault").path("SSEAlgorithm").asText()).isEqualTo("aws:kms");
    assertThat(encryption.path("ServerSideEncryptionByDefault").path("KMSMasterKeyID").toString()).contains("SuiteKey");
    JsonNode block = properties.path("PublicAccessBlockConfiguration");
    for (String setting : List.of("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")) {
      assertThat(block.path(setting).asBoolean()).as(setting).isTrue();
    }
    assertThat(properties.has("VersioningConfiguration")).as("versions would outlive the retention").isFalse();
    JsonNode rule = properties.path("LifecycleConfiguration").path("Rules").get(0);
    assertThat(rule.path("Status").asText()).isEqualTo("Enabled");
    assertThat(rule.path("Prefix").asText()).isEqualTo(io.cqrssuite.migrations.MigrationSettings.DEFAULT_PREFIX);
    assertThat(rule.path("ExpirationInDays").path("Ref").asText()).isEqualTo("BackupRetentionDays");
    JsonNode policy = resources.path("BackupBucketPolicy").path("Properties").path("PolicyDocument").path("Statement").get(0);
    assertThat(policy.path("Effect").asText()).isEqualTo("Deny");
    assertThat(policy.path("Condition").path("Bool").path("aws:SecureTransport").asText()).isEqualTo("false");
    assertThat(resources.path("BackupBucketPolicy").path("Condition").asText()).isEqualTo("HasRds");
  }

  @Test
  void theCommandSyncStateMachineIsStandardRetriesTransientErrorsAndDeadLettersTheRest() throws Exception {
    JsonNode properties = resources.path("CommandSyncStateMachine").path("Properties");
    assertThat(resources.path("CommandSyncStateMachine").path("Type").asText()).isEqualTo("AWS::Serverless::StateMachine");
    assertThat(properties.path("Type").asText()).isEqualTo("STANDARD");
    String definitionUri = properties.path("DefinitionUri").asText();
    assertThat(definitionUri).isEqualTo("infra/statemachine/command-sync.asl.json");
    String text = Files.readString(ROOT.resolve(definitionUri));
    JsonNode asl = new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
    JsonNode states = asl.path("States");
    List<String> names = new ArrayList<>();
    states.fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactly("SyncCommand", "Permanent", "RetriesSpent", "DeadLetter", "Alarm", "DeadLettered");
    assertThat(asl.path("StartAt").asText()).isEqualTo("SyncCommand");

    JsonNode task = states.path("SyncCommand");
    assertThat(task.path("Resource").asText()).isEqualTo("arn:aws:states:::lambda:invoke.waitForTaskToken");
    assertThat(task.path("Parameters").path("Payload").path("type").asText()).isEqualTo(CommandSyncTask.TYPE);
    assertThat(task.path("Parameters").path("Payload").path("taskToken.$").asText()).isEqualTo("$$.Task.Token");
    assertThat(task.path("Retry").get(0).path("ErrorEquals").toString())
        .contains("\"" + TaskErrors.TRANSIENT + "\"", "\"States.HeartbeatTimeout\"", "\"States.Timeout\"");
    assertThat(task.path("Retry").get(0).path("BackoffRate").asDouble()).isGreaterThan(1.0);
    // Three attempts at most, each noticed dead within a minute: the task beats on receipt and answers within the
    // function's timeout.
    assertThat(task.path("Retry")).hasSize(1);
    assertThat(task.path("Retry").get(0).path("MaxAttempts").asInt()).isLessThanOrEqualTo(2);
    assertThat(task.path("HeartbeatSeconds").asInt()).isEqualTo(60);
    assertThat(task.path("Parameters").path("Payload").path(TaskHeartbeats.INPUT_FIELD).asInt()).isEqualTo(60);
    assertThat(task.path("TimeoutSeconds").asInt()).isBetween(60, 300);
    assertThat(properties.path("Logging").path("Level").asText()).isEqualTo("ERROR");
    assertThat(properties.path("Logging").path("IncludeExecutionData").asBoolean()).isFalse();
    assertThat(properties.path("Tracing").path("Enabled").asBoolean()).isTrue();
    assertThat(task.path("Retry").toString()).doesNotContain(TaskErrors.PERMANENT);
    assertThat(task.path("Catch").get(0).path("ErrorEquals").toString()).contains(TaskErrors.PERMANENT);
    assertThat(task.path("Catch").get(1).path("ErrorEquals").toString()).contains("States.ALL");
    assertThat(states.path("DeadLetter").path("Resource").asText()).isEqualTo("arn:aws:states:::sqs:sendMessage");
    assertThat(states.path("DeadLetter").path("Parameters").path("MessageBody").path("record").path("type").asText())
        .isEqualTo(CommandSyncTask.TYPE);
    assertThat(states.path("Alarm").path("Resource").asText()).isEqualTo("arn:aws:states:::sns:publish");
    assertThat(states.path("Alarm").path("Parameters").path("Subject").asText()).hasSizeLessThan(100);
    assertThat(states.path("DeadLettered").path("Type").asText()).isEqualTo("Fail");

    // Every placeholder is substituted, and every substitution is used.
    Set<String> placeholders = new HashSet<>();
    Matcher m = Pattern.compile("\\$\\{([A-Za-z0-9]+)}").matcher(text);
    while (m.find()) {
      placeholders.add(m.group(1));
    }
    Set<String> substituted = new HashSet<>();
    properties.path("DefinitionSubstitutions").fieldNames().forEachRemaining(substituted::add);
    assertThat(placeholders).isEqualTo(substituted).contains("EventFactoryFunctionArn", "DeadLetterQueueUrl", "AlarmTopicArn");

    // Least privilege: invoke the function, write the dead letters, publish the alarm (and the topic's key).
    List<String> actions = new ArrayList<>();
    properties.path("Policies").forEach(policy -> policy.path("Statement").forEach(st -> {
      JsonNode action = st.path("Action");
      if (action.isArray()) {
        action.forEach(a -> actions.add(a.asText()));
      } else {
        actions.add(action.asText());
      }
    }));
    assertThat(actions).containsExactlyInAnyOrder("lambda:InvokeFunction", "sqs:SendMessage", "sns:Publish", "kms:GenerateDataKey", "kms:Decrypt",
        "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery", "logs:ListLogDeliveries",
        "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups");
    properties.path("Policies").forEach(policy -> policy.path("Statement").forEach(st -> {
      if (st.path("Resource").asText().equals("*")) {
        assertThat(st.path("Sid").asText()).as("only log delivery takes no resource").isEqualTo("ExecutionLogDelivery");
      }
    }));
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

  @Test
  void theImportStateMachineIsStandardAndSubstitutesEveryPlaceholderOfItsDefinition() throws Exception {
    JsonNode machine = resources.path("ImportStateMachine");
    assertThat(machine.path("Type").asText()).isEqualTo("AWS::Serverless::StateMachine");
    JsonNode properties = machine.path("Properties");
    assertThat(properties.path("Type").asText()).as(".waitForTaskToken needs STANDARD").isEqualTo("STANDARD");
    String definition = Files.readString(ROOT.resolve(properties.path("DefinitionUri").asText()));
    Set<String> placeholders = new HashSet<>();
    Matcher m = Pattern.compile("\\$\\{([A-Za-z0-9]+)}").matcher(definition);
    while (m.find()) {
      placeholders.add(m.group(1));
    }
    Set<String> substituted = new HashSet<>();
    properties.path("DefinitionSubstitutions").fieldNames().forEachRemaining(substituted::add);
    assertThat(substituted).isEqualTo(placeholders);
    assertThat(properties.path("DefinitionSubstitutions").path("EventFactoryFunctionArn").path("Ref").asText())
        .as("the alias SnapStart serves").isEqualTo("EventFactoryFunction.Alias");
    JsonNode asl = JSON.readTree(definition);
    List<String> types = new ArrayList<>();
    collectStateTypes(asl.path("States"), types);
    assertThat(types).as("only what the local interpreter runs").allMatch(t -> Set.of("Task", "Map", "Choice", "Pass", "Succeed", "Fail").contains(t));
  }

  @Test
  void theChunkTaskFollowsTheTaskPayloadConventionOverTheQueueTheFunctionPolls() throws Exception {
    JsonNode properties = resources.path("ImportStateMachine").path("Properties");
    JsonNode asl = JSON.readTree(Files.readString(ROOT.resolve(properties.path("DefinitionUri").asText())));
    JsonNode map = asl.path("States").path("ImportChunks");
    JsonNode task = map.path("ItemProcessor").path("States").path("ImportChunk");
    assertThat(task.path("Resource").asText()).isEqualTo("arn:aws:states:::sqs:sendMessage.waitForTaskToken");
    JsonNode body = task.path("Parameters").path("MessageBody");
    assertThat(body.path("taskToken.$").asText()).isEqualTo("$$.Task.Token");
    assertThat(body.path("executionId.$").asText()).isEqualTo("$$.Execution.Id");
    assertThat(body.path("state.$").asText()).isEqualTo("$$.State.Name");
    assertThat(body.path("type").asText()).isEqualTo(CsvImportChunk.TYPE);
    assertThat(body.path("input.$").asText()).isEqualTo("$");
    assertThat(task.path("HeartbeatSeconds").asInt())
        .as("the handler beats at a third of the heartbeatSeconds it is given")
        .isEqualTo(map.path("ItemSelector").path(TaskHeartbeats.INPUT_FIELD).asInt())
        .isPositive();
    assertThat(task.path("Retry").get(0).path("ErrorEquals").toString()).contains("\"" + TaskErrors.TRANSIENT + "\"");
    assertThat(task.path("Catch").get(0).path("Next").asText()).isEqualTo("ChunkFailed");
    String queue = properties.path("DefinitionSubstitutions").path(task.path("Parameters").path("QueueUrl").asText().replaceAll("[${}]", "")).path("Ref").asText();
    JsonNode source = resources.path("EventFactoryFunction").path("Properties").path("Events").path("ImportChunks").path("Properties");
    assertThat(source.path("Queue").path("Fn::GetAtt").asText()).isEqualTo(queue + ".Arn");
    assertThat(asl.path("States").path("Plan").path("Parameters").path("Payload").path("type").asText()).isEqualTo(CsvImportPlanRequested.TYPE);
    assertThat(asl.path("States").path("Summarize").path("Parameters").path("Payload").path("type").asText()).isEqualTo(CsvImportSummaryRequested.TYPE);
    assertThat(asl.path("States").path("Summarize").path("Parameters").path("Payload").path("input").path("chunkResults.$").asText())
        .as("the summary reads what the Map state wrote")
        .isEqualTo(map.path("ResultPath").asText());
  }

  @Test
  void theFunctionStartsTheImportStateMachineByTheNameItIsDeployedUnder() {
    String name = resources.path("ImportStateMachine").path("Properties").path("Name").path("Fn::Sub").asText();
    JsonNode arn = resources.path("EventFactoryFunction").path("Properties").path("Environment").path("Variables").path(ImportSettings.STATE_MACHINE_ARN);
    JsonNode parts = arn.path("Fn::Join").get(1);
    assertThat(parts.get(parts.size() - 1).path("Fn::Sub").asText()).isEqualTo(name);
    assertThat(parts.get(parts.size() - 2).asText()).isEqualTo("stateMachine");
    String policy = roleStatements("EventFactoryRole").toString();
    assertThat(policy).contains("stateMachine:" + name).contains("execution:" + name + ":*");
    JsonNode upload = resources.path("EventFactoryFunction").path("Properties").path("Events").path("CsvImport").path("Properties");
    assertThat(upload.path("Filter").toString()).contains("\"imports/csv/\"").contains("\".csv\"");
  }

  @Test
  void theImportVariablesAreDocumentedOnTheConfigurationPage() throws Exception {
    String readme = Files.readString(ROOT.resolve("docs/configuration.md"));
    JsonNode variables = resources.path("EventFactoryFunction").path("Properties").path("Environment").path("Variables");
    List<String> imports = new ArrayList<>();
    variables.fieldNames().forEachRemaining(name -> {
      if (name.startsWith("SUITE_IMPORT_")) {
        imports.add(name);
      }
    });
    assertThat(imports).isNotEmpty();
    assertThat(imports).allSatisfy(name -> assertThat(readme).contains("`" + name + "`"));
    assertThat(readme).contains("`" + TaskHeartbeats.INTERVAL_ENV + "`");
  }

  private static void collectStateTypes(JsonNode states, List<String> types) {
    states.forEach(state -> {
      types.add(state.path("Type").asText());
      collectStateTypes(state.path("ItemProcessor").path("States"), types);
    });
  }

  @Test
  void theTableMappingsKeyNamesAreTheTablesKeySchema() throws Exception {
    FunctionSpec function = template.function("EventFactoryFunction", Map.of(), new ArrayList<>());
    List<TableMapping> mappings = TableMappingConfig.parse(function.environment().get(TableMappingConfig.VARIABLE));
    assertThat(mappings).isNotEmpty();
    for (TableMapping mapping : mappings) {
      JsonNode table = tableNamed(mapping.table(), function);
      assertThat(table).as("a table resource named " + mapping.table()).isNotNull();
      List<String> keySchema = new ArrayList<>();
      JsonNode schema = table.path("Properties").path("KeySchema");
      for (String keyType : List.of("HASH", "RANGE")) {
        for (JsonNode key : schema) {
          if (key.path("KeyType").asText().equals(keyType)) {
            keySchema.add(key.path("AttributeName").asText());
          }
        }
      }
      for (EntityMapping entity : mapping.entities()) {
        assertThat(entity.identity().attributes()).as(mapping.table() + " " + entity.type()).isEqualTo(keySchema);
      }
    }
  }

  @Test
  void theTemplateMapsTheProductTablesAsTheCommandSideLaysThemOut() throws Exception {
    FunctionSpec function = template.function("EventFactoryFunction", Map.of(), new ArrayList<>());

    assertThat(TableMappingConfig.parse(function.environment().get(TableMappingConfig.VARIABLE)))
        .isEqualTo(CommandTables.named("dev-catalog-product").tableMappings("product"));
  }

  /** The table resource whose TableName resolves (at the Stage default) to {@code name}. */
  private static JsonNode tableNamed(String name, FunctionSpec function) {
    String stage = template.root().path("Parameters").path("Stage").path("Default").asText();
    for (JsonNode resource : resources) {
      if (resource.path("Type").asText().equals("AWS::DynamoDB::Table")) {
        JsonNode tableName = resource.path("Properties").path("TableName");
        String resolved = tableName.has("Fn::Sub") ? tableName.get("Fn::Sub").asText().replace("${Stage}", stage) : tableName.asText();
        if (resolved.equals(name)) {
          return resource;
        }
      }
    }
    return null;
  }
}
