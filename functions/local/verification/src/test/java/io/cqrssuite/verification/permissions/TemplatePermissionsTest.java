package io.cqrssuite.verification.permissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cqrssuite.catalog.function.CatalogHandler;
import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.sync.opensearch.OpenSearchClients;
import io.cqrssuite.sync.opensearch.OpenSearchIndexes;
import io.cqrssuite.sync.opensearch.OpenSearchSettings;
import io.cqrssuite.sync.rds.PasswordSource;
import io.cqrssuite.sync.rds.SchemaMigrations;
import io.cqrssuite.sync.rds.SqlDialect;
import io.cqrssuite.testing.aws.CapturingEndpoint;
import io.cqrssuite.testing.aws.FakeSecretsManager;
import io.cqrssuite.testing.aws.LocalDynamoDb;
import io.cqrssuite.testing.engine.PostgresEngine;
import io.cqrssuite.testing.engine.TestEngines;
import io.cqrssuite.testing.lambda.SamTemplate;
import io.cqrssuite.testing.lambda.SamTranslation;
import io.cqrssuite.testing.permissions.DeployedStack;
import io.cqrssuite.testing.permissions.PolicyStatement;
import io.cqrssuite.testing.permissions.RecordedCall;
import io.cqrssuite.testing.permissions.Recording;
import io.cqrssuite.testing.permissions.RecordingHttpProxy;
import io.cqrssuite.testing.stepfunctions.WorkflowRuntime;
import io.cqrssuite.verification.cloud.LocalCloud;
import io.cqrssuite.verification.importrun.CommandStage;
import io.cqrssuite.verification.importrun.ImportStage;
import io.cqrssuite.verification.importrun.ProductCsvFile;
import io.cqrssuite.verification.importrun.TenantReadModelCheck;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Permissions proven by running the code, not by reading the template. The functions run their paths on the local
 * cloud (dynalite, ElasticMQ, the S3 stand-in, the Step Functions harness running the real definitions, PostgreSQL,
 * OpenSearch) while every AWS SDK call and OpenSearch request is recorded and attributed to the function that made
 * it. template.yaml is then translated by the real SAM translator and each recorded call is checked against the role
 * its function gets, with the template's conditions decided both ways. A mutation check shows the test has teeth:
 * removing any statement that is not on the reviewed allow-list of service-side calls must deny a recorded call.
 */
class TemplatePermissionsTest {
  private static final Path ROOT = SampleEvents.repositoryRoot().toAbsolutePath().normalize();
  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
  private static final String HARNESS_KEY = "local";
  private static final String FUNCTION_KEY = "function-under-test";
  private static final String SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:catalog-AbCdEf";
  private static final String DOMAIN_ARN = "arn:aws:es:us-east-1:123456789012:domain/catalog";

  /**
   * Statements that serve calls Lambda or another service makes with the role, not the code: they cannot be
   * recorded here. One reason each; everything else must be needed by a recorded call.
   */
  static final Map<String, String> SERVICE_SIDE = Map.of(
      "Logs", "Lambda ships the function's logs to its log group with the role",
      "Tracing", "Lambda sends the X-Ray segments of an active trace with the role",
      "VpcNetworkInterfaces", "Lambda creates and removes the function's network interfaces in the VPC with the role",
      "PollOwnQueues", "the SQS event source mappings receive and delete messages with the role",
      "PollPointers", "the pointer queue's event source mapping receives and deletes messages with the role",
      "PollCommandStream", "the stream's event source mapping reads shards and records with the role",
      "ListCommandStreams", "the stream's event source mapping lists the table's streams with the role",
      "FailureDestinations", "Lambda sends asynchronous and stream on-failure records to these queues with the role");

  /**
   * Statements of code paths this test does not run yet, with the path that would need them. The mutation check
   * fails when this list is wrong either way: a statement missing here that no call needs, or one listed here that a
   * call now needs.
   */
  static final Map<String, String> NOT_YET_EXERCISED = new TreeMap<>(Map.ofEntries(
      Map.entry("EventFactoryRole/event-sources#LargeDeadLetters", "a dead-letter envelope over the queue's message size"),
      Map.entry("EventFactoryRole/event-sources#Idempotency", "a handler whose effect is not version-guarded (orders)"),
      Map.entry("EventFactoryRole/command-side#CommandSyncExecutions", "SUITE_COMMAND_SYNC_MODE=workflow"),
      Map.entry("EventFactoryRole/command-side#CommandSyncExecutionsRead", "SUITE_COMMAND_SYNC_MODE=workflow, a repeated start"),
      Map.entry("EventFactoryRole/command-side#DescribeImports", "a repeated import start (same object version)"),
      Map.entry("EventFactoryRole/command-side#CommandBucketObjects", "a command attribute over SUITE_COMMAND_OFFLOAD_BYTES"),
      Map.entry("StreamFailureRole/stream-failures#ReadGivenUpStreamRecords", "StreamFailureFunction is not driven here yet"),
      Map.entry("StreamFailureRole/stream-failures#DeadLetters", "StreamFailureFunction is not driven here yet"),
      Map.entry("StreamFailureRole/stream-failures#LargeDeadLetters", "StreamFailureFunction is not driven here yet"),
      Map.entry("StreamFailureRole/stream-failures#Alarms", "StreamFailureFunction is not driven here yet"),
      Map.entry("StreamFailureRole/stream-failures#SuiteKeyUse", "StreamFailureFunction is not driven here yet"),
      Map.entry("StreamFailureRole/stream-failures#AlarmCounters", "StreamFailureFunction is not driven here yet"),
      Map.entry("SchemaMigrationRole/schema-migration#DatabaseSecret", "SchemaMigrationFunction is not driven here yet"),
      Map.entry("SchemaMigrationRole/schema-migration#RdsIamAuth", "SchemaMigrationFunction is not driven here yet"),
      Map.entry("SchemaMigrationRole/schema-migration#OpenSearchIndexSetup", "SchemaMigrationFunction is not driven here yet")));

  private static String unavailable;
  private static JsonNode translated;
  private static List<RecordedCall> calls;
  private static Map<String, String> localToLogical;

  @BeforeAll
  static void runTheFunctions() throws Exception {
    Optional<Path> dynalite = LocalDynamoDb.cli(System.getenv(), ROOT);
    Optional<WorkflowRuntime> runtime = WorkflowRuntime.find();
    Optional<String> translator = SamTranslation.unavailable(SamTranslation.python(System.getenv()));
    unavailable = dynalite.isEmpty() ? LocalDynamoDb.INSTALL_HINT
        : runtime.isEmpty() ? WorkflowRuntime.INSTALL_HINT
        : translator.orElse(null);
    if (unavailable != null) {
      return;
    }
    translated = SamTranslation.translate(SamTranslation.python(System.getenv()), ROOT.resolve("template.yaml"));
    String savedKey = System.getProperty("aws.accessKeyId");
    String savedSecret = System.getProperty("aws.secretAccessKey");
    // The functions sign with their own key, the harness with "local": that is how their calls are told apart.
    System.setProperty("aws.accessKeyId", FUNCTION_KEY);
    System.setProperty("aws.secretAccessKey", "local");
    PostgresEngine postgres = TestEngines.postgres();
    String jdbcUrl = postgres.createDatabase("perm_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8));
    new SchemaMigrations(jdbcUrl, postgres.user(), PasswordSource.fixed(postgres.password()))
        .migrate(SchemaMigrations.classpathLocation(SqlDialect.forJdbcUrl(jdbcUrl)));
    String index = "perm" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    try (FakeSecretsManager secrets = FakeSecretsManager.start(
            "{\"username\":\"" + postgres.user() + "\",\"password\":\"" + postgres.password() + "\"}");
        RecordingHttpProxy search = RecordingHttpProxy.start(TestEngines.openSearch().endpoint());
        CapturingEndpoint sns = new CapturingEndpoint(request -> new CapturingEndpoint.Response(200, "text/xml",
            "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult><MessageId>m-1</MessageId>"
                + "</PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>"))) {
      Map<String, String> env = new HashMap<>();
      env.put("AWS_REGION", "us-east-1");
      env.put("SUITE_LOG_LEVEL", "ERROR");
      env.put("SUITE_METRICS", "off");
      env.put("SUITE_UNHANDLED_EVENTS", "fail");
      env.put("SUITE_RDS_URL", jdbcUrl);
      env.put("SUITE_RDS_SECRET_ARN", SECRET_ARN);
      env.put("AWS_ENDPOINT_URL_SECRETSMANAGER", secrets.endpoint());
      env.put("SUITE_OPENSEARCH_ENDPOINT", search.endpoint().toString());
      env.put("SUITE_OPENSEARCH_INDEX", index);
      env.put("SUITE_OPENSEARCH_TEMPLATE", "opensearch/products-template.json");
      OpenSearchSettings searchSettings = OpenSearchSettings.fromEnvironment(env).orElseThrow();
      new OpenSearchIndexes(OpenSearchClients.create(searchSettings, "us-east-1"), searchSettings.indexNames(),
          OpenSearchIndexes.template(searchSettings.templateResource())).ensure();
      Map<String, String> checking = new HashMap<>(env);
      checking.put("SUITE_RDS_USER", postgres.user());
      checking.put("SUITE_RDS_PASSWORD", postgres.password());
      checking.put("SUITE_OPENSEARCH_ENDPOINT", TestEngines.openSearch().endpoint().toString());
      TenantReadModelCheck.ReadModels readModels = io.cqrssuite.verification.importrun.WorkflowStages.readModels(checking);

      try (Recording recording = Recording.start(HARNESS_KEY);
          LocalCloud cloud = LocalCloud.start(new LocalCloud.Options(ROOT, dynalite.get(), runtime.get(), 100, QUIET), env)) {
        recording.actAs("EventFactoryFunction");
        // The CSV import (S3 notification, plan, chunk tasks over SQS, summary) and the command stream's sync.
        ImportStage.Report imported = ImportStage.run(cloud, readModels, ProductCsvFile.generate(200, "perm", 3), "perm", "perm-test",
            Duration.ofMinutes(2), QUIET);
        assertThat(imported.executionStatus()).isEqualTo("SUCCEEDED");
        // Commands through the API: create, patch, delete, a stale write refused.
        CommandStage.run(cloud, readModels);
        // A poison order message: dead-lettered and alarmed, by the same function with its dead-letter settings.
        Map<String, String> withDeadLetters = new LinkedHashMap<>(cloud.environment());
        try (SqsClient sqs = SqsClient.builder()
            .region(Region.US_EAST_1)
            .endpointOverride(URI.create(cloud.environment().get("AWS_ENDPOINT_URL_SQS")))
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(HARNESS_KEY, "local")))
            .build()) {
          withDeadLetters.put("SUITE_DEAD_LETTER_QUEUE_URL", sqs.createQueue(r -> r.queueName("dev-catalog-dead-letters")).queueUrl());
        }
        withDeadLetters.put("SUITE_ALARM_TOPIC_ARN", "arn:aws:sns:us-east-1:000000000000:dev-catalog-alarms");
        withDeadLetters.put("AWS_ENDPOINT_URL_SNS", sns.endpoint().toString());
        CatalogHandler function = new CatalogHandler(withDeadLetters);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        function.handleRequest(new ByteArrayInputStream(poisonOrder()), out, null);
        assertThat(out.toString(StandardCharsets.UTF_8)).as("dead-lettered, so acknowledged").contains("\"batchItemFailures\":[]");
        assertThat(sns.requests()).as("the alarm went out").isNotEmpty();
        calls = recording.calls();
        // What was recorded, for the reviewer: target/recorded-calls.txt, one call a line.
        java.nio.file.Files.write(Path.of("target", "recorded-calls.txt"),
            calls.stream().map(c -> c.function() + " " + c.action() + " " + c.resource()).sorted().toList());
        localToLogical = localNames(cloud.environment(), withDeadLetters);
      }
    } finally {
      restore("aws.accessKeyId", savedKey);
      restore("aws.secretAccessKey", savedSecret);
    }
  }

  private static byte[] poisonOrder() {
    String event = "{\"Records\":[{\"messageId\":\"m-poison\",\"receiptHandle\":\"r\",\"body\":\"{not json\",\"attributes\":{"
        + "\"ApproximateReceiveCount\":\"1\",\"SentTimestamp\":\"1764900000000\",\"SenderId\":\"A\",\"ApproximateFirstReceiveTimestamp\":\"1764900000000\"},"
        + "\"messageAttributes\":{},\"md5OfBody\":\"x\",\"eventSource\":\"aws:sqs\","
        + "\"eventSourceARN\":\"arn:aws:sqs:us-east-1:123456789012:dev-catalog-orders\",\"awsRegion\":\"us-east-1\"}]}";
    return event.getBytes(StandardCharsets.UTF_8);
  }

  private static void restore(String property, String value) {
    if (value == null) {
      System.clearProperty(property);
    } else {
      System.setProperty(property, value);
    }
  }

  /**
   * Local names the functions were given, by the template resource behind the variable: a variable whose template
   * value is {@code !Ref X} (or {@code !GetAtt X...}) maps its local value to X. The import bucket reaches the
   * function through its S3 event source, not a variable.
   */
  private static Map<String, String> localNames(Map<String, String> cloudEnv, Map<String, String> deadLetterEnv) throws Exception {
    JsonNode variables = SamTemplate.load(ROOT.resolve("template.yaml")).root().path("Resources")
        .path("EventFactoryFunction").path("Properties").path("Environment").path("Variables");
    Map<String, String> names = new HashMap<>();
    Map<String, String> all = new HashMap<>(cloudEnv);
    all.putAll(deadLetterEnv);
    variables.fields().forEachRemaining(v -> {
      String local = all.get(v.getKey());
      String logical = v.getValue().path("Ref").asText(null);
      if (logical == null && v.getValue().path("Fn::GetAtt").isTextual()) {
        logical = v.getValue().path("Fn::GetAtt").asText().split("\\.")[0];
      }
      if (local != null && logical != null) {
        names.put(local, logical);
      }
    });
    names.put(LocalCloud.IMPORT_BUCKET, "ImportBucket");
    return names;
  }

  @Test
  void everyRecordedCallIsAllowedByItsFunctionsRoleWithOrWithoutEachReadModelSetting() {
    assumeTrue(unavailable == null, unavailable);
    assertThat(calls).extracting(RecordedCall::action)
        .as("the scenario reached the command table's writes (a read-only policy failed every imported row on AWS)")
        .contains("dynamodb:PutItem", "states:StartExecution", "states:SendTaskSuccess", "states:SendTaskHeartbeat", "sqs:SendMessage",
            "sns:Publish",
            "secretsmanager:GetSecretValue", "es:ESHttpPost");
    assertThat(calls).extracting(RecordedCall::function).as("every call attributed").containsOnly("EventFactoryFunction");
    // Every read model configured (password from the secret), and the same with IAM auth to the database.
    for (Map<String, String> parameters : List.of(full(false), full(true))) {
      DeployedStack stack = DeployedStack.of(translated, parameters);
      assertThat(denied(stack, stack.statements("EventFactoryRole"), calls, parameters))
          .as("calls the role denies, with %s", parameters.keySet()).isEmpty();
    }
    // No read model configured: every call that is not a read model's is still allowed.
    DeployedStack minimal = DeployedStack.of(translated, Map.of());
    List<RecordedCall> withoutReadModels = calls.stream()
        .filter(c -> !c.service().equals("es") && !c.service().equals("secretsmanager")).toList();
    assertThat(denied(minimal, minimal.statements("EventFactoryRole"), withoutReadModels, Map.of())).isEmpty();
  }

  @Test
  void removingAnyStatementThatIsNotServiceSideDeniesARecordedCall() {
    assumeTrue(unavailable == null, unavailable);
    Set<String> unexercised = new TreeSet<>();
    Map<String, String> report = new TreeMap<>();
    for (boolean iamAuth : new boolean[] {false, true}) {
      Map<String, String> parameters = full(iamAuth);
      DeployedStack stack = DeployedStack.of(translated, parameters);
      for (String function : stack.resourcesOfType("AWS::Lambda::Function")) {
        String role = stack.roleOf(function);
        List<PolicyStatement> statements = stack.statements(role);
        List<RecordedCall> mine = calls.stream().filter(c -> c.function().equals(function)).toList();
        for (PolicyStatement statement : statements) {
          String sid = statement.where().substring(statement.where().indexOf('#') + 1);
          if (SERVICE_SIDE.containsKey(sid)) {
            continue;
          }
          List<PolicyStatement> without = new ArrayList<>(statements);
          without.remove(statement);
          List<String> nowDenied = denied(stack, without, mine, parameters);
          if (nowDenied.isEmpty()) {
            unexercised.add(statement.where());
          } else {
            report.put(statement.where(), nowDenied.get(0));
          }
        }
      }
    }
    unexercised.removeAll(report.keySet());
    assertThat(unexercised)
        .as("statements no recorded call needs: remove them, or run the path that needs them (%s)", report)
        .containsExactlyInAnyOrderElementsOf(NOT_YET_EXERCISED.keySet());
    assertThat(report).as("the missing PutItem is written").containsKey("EventFactoryRole/command-side#CommandTable");
  }

  private static Map<String, String> full(boolean iamAuth) {
    Map<String, String> p = new HashMap<>(Map.of(
        "VpcId", "vpc-0123456789abcdef0",
        "VpcSubnetIds", "subnet-0aaa,subnet-0bbb",
        "VpcRouteTableIds", "rtb-0aaa",
        "DatabaseJdbcUrl", "jdbc:postgresql://proxy.example:5432/catalog",
        "OpenSearchDomainEndpoint", "https://vpc-catalog-abc.us-east-1.es.amazonaws.com",
        "OpenSearchDomainArn", DOMAIN_ARN));
    if (iamAuth) {
      p.put("DatabaseIamAuth", "true");
      p.put("DatabaseResourceId", "prx-0abc");
    } else {
      p.put("DatabaseSecretArn", SECRET_ARN);
    }
    return p;
  }

  /** The calls none of the statements allows, each as "action on resource (the recorded call)". */
  private static List<String> denied(DeployedStack stack, List<PolicyStatement> statements, List<RecordedCall> recorded,
      Map<String, String> parameters) {
    boolean iamAuth = "true".equals(parameters.get("DatabaseIamAuth"));
    List<String> denied = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (RecordedCall call : recorded) {
      // With IAM auth the function connects with a token instead of the secret: rds-db:connect on its database user.
      String action = call.action().startsWith("secretsmanager:") && iamAuth ? "rds-db:connect" : call.action();
      String arn = arn(stack, action, call);
      if (seen.add(action + " " + arn) && statements.stream().noneMatch(s -> s.allows(action, arn))) {
        denied.add(action + " on " + arn + " (" + call + ")");
      }
      // A message to a topic or queue encrypted with a key of the stack needs that key too: SNS and SQS call KMS
      // with the sender's permissions.
      String key = action.equals("sns:Publish") || action.equals("sqs:SendMessage") ? customerKey(stack, arn) : null;
      if (key != null) {
        for (String kms : List.of("kms:GenerateDataKey", "kms:Decrypt")) {
          if (seen.add(kms + " " + key) && statements.stream().noneMatch(s -> s.allows(kms, key))) {
            denied.add(kms + " on " + key + " (implied by " + call + ")");
          }
        }
      }
    }
    return denied;
  }

  /** The ARN of the stack's KMS key a topic or queue (by ARN) is encrypted with, or null (none, or an AWS managed key). */
  private static String customerKey(DeployedStack stack, String arn) {
    for (String type : List.of("AWS::SNS::Topic", "AWS::SQS::Queue")) {
      for (String id : stack.resourcesOfType(type)) {
        String own = type.equals("AWS::SNS::Topic") ? stack.name(id) : stack.arn(id);
        JsonNode key = stack.resource(id).path("Properties").path("KmsMasterKeyId");
        if (own.equals(arn) && key.has("Ref")) {
          return stack.arn(key.get("Ref").asText());
        }
      }
    }
    return null;
  }

  /** The ARN IAM checks for a recorded call, in the deployed stack. */
  private static String arn(DeployedStack stack, String action, RecordedCall call) {
    String resource = call.resource();
    String service = action.substring(0, action.indexOf(':'));
    String prefix = ":" + DeployedStack.REGION + ":" + DeployedStack.ACCOUNT + ":";
    switch (service) {
      case "dynamodb":
        return "arn:aws:dynamodb" + prefix + "table/" + tableName(stack, resource);
      case "sqs":
        return "arn:aws:sqs" + prefix + resource.substring(resource.lastIndexOf('/') + 1);
      case "s3": {
        int slash = resource.indexOf('/');
        String logical = logical(resource.substring(0, slash));
        return "arn:aws:s3:::" + stack.name(logical) + resource.substring(slash);
      }
      case "sns":
        return "arn:aws:sns" + prefix + resource.substring(resource.lastIndexOf(':') + 1);
      case "states":
        if (resource == null) {
          return "*";
        }
        return "arn:aws:states" + prefix + resource.substring(resource.indexOf(resource.contains(":stateMachine:") ? "stateMachine:" : "execution:"));
      case "secretsmanager":
        return resource;
      case "es":
        return DOMAIN_ARN + resource;
      case "rds-db":
        return "arn:aws:rds-db" + prefix + "dbuser:prx-0abc/catalog_sync";
      default:
        throw new AssertionError("no ARN rule for " + call);
    }
  }

  private static String tableName(DeployedStack stack, String local) {
    String logical = localToLogical.get(local);
    if (logical != null) {
      return stack.name(logical);
    }
    // Tables named in the template (Stage dev, as the local cloud names them) are the same name deployed.
    for (String table : stack.resourcesOfType("AWS::DynamoDB::Table")) {
      if (stack.name(table).equals(local)) {
        return local;
      }
    }
    throw new AssertionError("a call names table " + local + ", which is no table of the template");
  }

  private static String logical(String local) {
    String logical = localToLogical.get(local);
    if (logical == null) {
      throw new AssertionError("a call names " + local + ", which no variable or event source of the function maps to a template resource");
    }
    return logical;
  }
}
