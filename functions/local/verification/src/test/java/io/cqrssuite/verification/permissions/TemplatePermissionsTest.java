package io.cqrssuite.verification.permissions;

import io.cqrssuite.testing.polling.Eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.catalog.function.CatalogHandler;
import io.cqrssuite.command.CommandService;
import io.cqrssuite.command.CommandSettings;
import io.cqrssuite.command.NewCommand;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.verification.cloud.CommandTableStream;
import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.sync.opensearch.OpenSearchClients;
import io.cqrssuite.sync.opensearch.OpenSearchIndexes;
import io.cqrssuite.sync.opensearch.OpenSearchSettings;
import io.cqrssuite.sync.rds.PasswordSource;
import io.cqrssuite.sync.rds.SchemaMigrations;
import io.cqrssuite.sync.rds.SqlDialect;
import io.cqrssuite.testing.aws.CapturingEndpoint;
import io.cqrssuite.testing.aws.FakeCloudFormation;
import io.cqrssuite.testing.aws.FakeSecretsManager;
import io.cqrssuite.testing.aws.LocalDynamoDb;
import io.cqrssuite.testing.aws.OnFailurePointers;
import io.cqrssuite.testing.aws.StreamsApiHarness;
import io.cqrssuite.reliability.stream.StreamFailureHandler;
import io.cqrssuite.verification.workload.ProductWorkloadGenerator;
import io.cqrssuite.verification.workload.StreamDeliveries;
import io.cqrssuite.verification.workload.WorkloadOptions;
import io.cqrssuite.testing.engine.PostgresEngine;
import io.cqrssuite.testing.engine.TestEngines;
import io.cqrssuite.testing.lambda.SamTemplate;
import io.cqrssuite.testing.lambda.SamTranslation;
import io.cqrssuite.testing.permissions.DeployedStack;
import io.cqrssuite.testing.permissions.PolicyStatement;
import io.cqrssuite.testing.permissions.RecordedCall;
import io.cqrssuite.testing.permissions.Recording;
import io.cqrssuite.testing.permissions.RecordingHttpProxy;
import io.cqrssuite.testing.stepfunctions.LambdaInvokeBridge;
import io.cqrssuite.testing.stepfunctions.LocalStepFunctions;
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
import java.time.Clock;
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
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Permissions proven by running the code, not by reading the template. The functions run their paths on the local
 * cloud (dynalite, ElasticMQ, the S3 stand-in, the Step Functions harness running the real definitions, PostgreSQL,
 * OpenSearch) while every AWS SDK call and OpenSearch request is recorded and attributed to the function that made
 * it. template.yaml is then translated by the real SAM translator and each recorded call is checked against the role
 * its function gets, with the template's conditions decided both ways. A mutation check shows the test has teeth:
 * removing any statement that is not on the reviewed allow-list of service-side calls must deny a recorded call.
 *
 * <p>The paths run, each as the function whose handler runs it: EventFactoryFunction imports a CSV (S3 notification,
 * workflow, chunk tasks, reports), takes the same notification again, syncs commands directly and through the
 * command-sync workflow (and that record again), offloads and resolves a large command attribute, dead-letters a
 * poison order (one envelope over SQS's limit, to the bucket) with its alarm, and handles orders once through the
 * idempotency table; SchemaMigrationFunction answers the ReadModelSchema custom resource's Create, an Update whose
 * migration the pipeline rolls back, and CloudFormation's rollback Update; StreamFailureFunction
 * envelopes the records of a given-up stream batch from their pointer; OperationsFunction resyncs the data table into
 * the read models from its checkpoints and runs the scheduled reconcile, which alarms.
 */
class TemplatePermissionsTest {
  private static final Path ROOT = SampleEvents.repositoryRoot().toAbsolutePath().normalize();
  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
  private static final String HARNESS_KEY = "local";
  private static final String FUNCTION_KEY = "function-under-test";
  private static final String SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:catalog-AbCdEf";
  private static final String DOMAIN_ARN = "arn:aws:es:us-east-1:123456789012:domain/catalog";
  private static final String DEAD_LETTER_BUCKET = "dev-catalog-dead-letters-local";
  private static final String IDEMPOTENCY_TABLE = "dev-catalog-idempotency";
  private static final String COMMAND_TABLE = "dev-catalog-product-command";
  private static final String COMMAND_SYNC = "dev-catalog-command-sync";
  private static final String BACKUP_BUCKET = "dev-catalog-schema-backups-local";

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
        // S3 delivers at least once: the same notification again, once its import has ended, is answered by the
        // execution that ran (ExecutionAlreadyExists, then DescribeExecution to compare the input).
        redeliverAnImportNotification(cloud);
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
        // Envelopes over the SQS channel's limit go whole to the dead-letter bucket.
        cloud.s3().createBucket(b -> b.bucket(DEAD_LETTER_BUCKET));
        withDeadLetters.put("SUITE_DEAD_LETTER_BUCKET", DEAD_LETTER_BUCKET);
        // Orders reserve stock, which no version guards: once per event id, through the idempotency table.
        cloud.dynamoDb().createTable(IDEMPOTENCY_TABLE, "id", null);
        withDeadLetters.put("SUITE_IDEMPOTENCY_TABLE", IDEMPOTENCY_TABLE);
        CatalogHandler function = new CatalogHandler(withDeadLetters);
        assertThat(invoke(function, poisonOrder("{not json"))).as("dead-lettered, so acknowledged").contains("\"batchItemFailures\":[]");
        assertThat(sns.requests()).as("the alarm went out").isNotEmpty();
        // JSON escapes each quote: a 600,000-character body makes an envelope of some 1.2 MB, over SQS's 1 MiB.
        // Acknowledged only because the envelope was stored: without the bucket write the record would stay failed.
        assertThat(invoke(function, poisonOrder("{not json" + "\"".repeat(600_000)))).contains("\"batchItemFailures\":[]");
        assertThat(invoke(function, SampleEvents.bytes("sqs/standard-batch.json"))).as("orders handled").contains("\"batchItemFailures\":[]");
        // A command attribute over SUITE_COMMAND_OFFLOAD_BYTES: the command side stores it in the command bucket, and
        // the stream's sync reads it back. Published with the function's own credentials and settings, as the
        // function's CommandService does for an imported row.
        publishLargeCommand(cloud);
        CommandTableStream stream = cloud.commandStream();
        stream.deliver(cloud.function(), stream.poll(), LocalCloud.STREAM_BATCH_SIZE);
        // SUITE_COMMAND_SYNC_MODE=workflow: the command's stream record starts the command-sync state machine (the
        // deployed definition, on the harness), whose task invokes the function, which answers the token; the same
        // record again, once that execution ended, is answered by it (DescribeExecution).
        syncACommandThroughTheWorkflow(cloud, runtime.get(), withDeadLetters);
        // The read models' schema, as the ReadModelSchema custom resource runs it: a stack's Create on a fresh database
        // (password from the secret) migrates through the pipeline (backup, migrate, canary, alarm) and sets up the
        // index; an Update with a new migration asks the stack's status, backs up, migrates, and its health check's
        // sampled reconcile reads the data table (offloaded attributes from the command bucket) and finds it missing
        // from this database, so the pipeline restores the backup, resyncs and alarms; CloudFormation's rollback
        // Update then does nothing.
        recording.actAs("SchemaMigrationFunction");
        migrateTheReadModelSchema(cloud, withDeadLetters, secrets, search, postgres, index);
        // Stream records the command stream's mapping gave up on: StreamFailureFunction reads them back from their
        // pointer, envelopes them (one too large for a message goes to the bucket), and raises the alarm.
        recording.actAs("StreamFailureFunction");
        try (StreamsApiHarness streamsApi = StreamsApiHarness.start()) {
          assertThat(resolveGivenUpRecords(streamsApi, cloud.environment(), withDeadLetters))
              .as("the pointer acknowledged: every record enveloped").contains("\"batchItemFailures\":[]");
        }
        // The resync workflow's turns and the scheduled reconcile, as OperationsFunction runs them: the data table
        // scanned into the read models from checkpoints in their table, then compared with them after a row was
        // edited behind the sync's back, so the reconcile finds a difference and raises its alarm.
        recording.actAs("OperationsFunction");
        runOperations(cloud.environment(), withDeadLetters, jdbcUrl, postgres);
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

  private static void migrateTheReadModelSchema(LocalCloud cloud, Map<String, String> deadLetterEnv, FakeSecretsManager secrets,
      RecordingHttpProxy search, PostgresEngine postgres, String index) throws Exception {
    String schemaDatabase = postgres.createDatabase("perm_schema_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8));
    cloud.s3().createBucket(b -> b.bucket(BACKUP_BUCKET));
    Path migrations = java.nio.file.Files.createTempDirectory("perm-migrations");
    try (FakeCloudFormation stacks = FakeCloudFormation.start("UPDATE_IN_PROGRESS")) {
      // The source and command side as the stack gives them; the rest the template's own variables.
      Map<String, String> schemaEnv = new HashMap<>(cloud.environment());
      schemaEnv.putAll(Map.of(
          "AWS_REGION", "us-east-1", "SUITE_LOG_LEVEL", "ERROR",
          "SUITE_RDS_URL", schemaDatabase, "SUITE_RDS_SECRET_ARN", SECRET_ARN, "AWS_ENDPOINT_URL_SECRETSMANAGER", secrets.endpoint(),
          "SUITE_OPENSEARCH_ENDPOINT", search.endpoint().toString(), "SUITE_OPENSEARCH_SIGV4", "false",
          "SUITE_OPENSEARCH_INDEX", index + "schema", "SUITE_OPENSEARCH_TEMPLATE", "opensearch/products-template.json"));
      schemaEnv.remove("SUITE_RDS_PASSWORD");
      schemaEnv.remove("SUITE_RDS_USER");
      schemaEnv.put("SUITE_RDS_MIGRATIONS", "classpath:db/migration/{dialect},filesystem:" + migrations);
      schemaEnv.put("SUITE_BACKUP_BUCKET", BACKUP_BUCKET);
      schemaEnv.put("SUITE_ALARM_TOPIC_ARN", deadLetterEnv.get("SUITE_ALARM_TOPIC_ARN"));
      schemaEnv.put("AWS_ENDPOINT_URL_SNS", deadLetterEnv.get("AWS_ENDPOINT_URL_SNS"));
      schemaEnv.put("AWS_ENDPOINT_URL_CLOUDFORMATION", stacks.endpoint().toString());
      // One segment sampled whole: every entity of the data table is read, the offloaded one included.
      schemaEnv.put("SUITE_RECONCILE_SEGMENTS", "1");
      schemaEnv.put("SUITE_MIGRATION_RECONCILE_SAMPLE", "1000");
      schemaEnv.put("SUITE_MIGRATION_BACKOFF_MS", "0");
      assertThat(readModelSchema(schemaEnv, "Create")).as("the custom resource answered").contains("\"Status\":\"SUCCESS\"");
      java.nio.file.Files.writeString(migrations.resolve("V2__product_name_index.sql"), "CREATE INDEX product_name_idx ON product (name);\n");
      assertThat(readModelSchema(schemaEnv, "Update")).as("the migration rolled back: its database misses the data table's products")
          .contains("\"Status\":\"FAILED\"", "rolled_back");
      stacks.status(io.cqrssuite.deploy.StackStatus.UPDATE_ROLLBACK_IN_PROGRESS);
      assertThat(readModelSchema(schemaEnv, "Update")).as("CloudFormation's rollback does nothing").contains("\"Status\":\"SUCCESS\"", "skipped");
      assertThat(stacks.stacksAsked()).containsOnly(DeployedStack.STACK_ID);
    }
  }

  /** A CloudFormation request of the ReadModelSchema custom resource; returns the answer PUT to its response URL. */
  private static String readModelSchema(Map<String, String> env, String type) throws java.io.IOException {
    List<String> answers = new java.util.concurrent.CopyOnWriteArrayList<>();
    com.sun.net.httpserver.HttpServer cloudFormation = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    cloudFormation.createContext("/", exchange -> {
      answers.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    cloudFormation.start();
    try {
      ObjectNode request = EventJson.newMapper().createObjectNode()
          .put("RequestType", type)
          .put("ServiceToken", "arn:aws:lambda:us-east-1:123456789012:function:dev-catalog-schema-migration")
          .put("ResponseURL", "http://127.0.0.1:" + cloudFormation.getAddress().getPort() + "/response?X-Amz-Signature=0")
          .put("StackId", DeployedStack.STACK_ID)
          .put("RequestId", "perm-1")
          .put("LogicalResourceId", "ReadModelSchema")
          .put("ResourceType", "Custom::SchemaMigration");
      if (!type.equals("Create")) {
        request.put("PhysicalResourceId", "ReadModelSchema");
      }
      request.putObject("ResourceProperties").put("SchemaVersion", "sha256:perm");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      new io.cqrssuite.catalog.function.SchemaMigrationHandler(env)
          .handleRequest(new ByteArrayInputStream(EventJson.newMapper().writeValueAsBytes(request)), out, null);
      return String.join("\n", answers);
    } finally {
      cloudFormation.stop(0);
    }
  }

  /** Puts three command-stream records (one over 1 MiB as an envelope) in the Streams API and hands StreamFailureFunction their pointer. */
  private static String resolveGivenUpRecords(StreamsApiHarness streamsApi, Map<String, String> cloudEnv, Map<String, String> deadLetterEnv)
      throws java.io.IOException {
    WorkloadOptions options = WorkloadOptions.defaults().withEntities(2).withVersions(2).withSeed(7);
    List<ObjectNode> records = new ArrayList<>(new StreamDeliveries(COMMAND_TABLE).records(ProductWorkloadGenerator.generate(options), options));
    records.sort(java.util.Comparator.comparing(r -> new java.math.BigInteger(r.path("dynamodb").path("SequenceNumber").asText())));
    records = new ArrayList<>(records.subList(0, 3));
    ObjectNode huge = records.get(1).deepCopy();
    ((ObjectNode) huge.path("dynamodb").path("NewImage")).putObject("description").put("S", "x".repeat(1_100_000));
    records.set(1, huge);
    String shardId = "shardId-00000001764900000000-permissions";
    streamsApi.append(shardId, records.get(0).get("eventSourceARN").asText(), records);
    ObjectNode event = EventJson.newMapper().createObjectNode();
    event.putArray("Records").addObject()
        .put("messageId", "pointer-1")
        .put("body", OnFailurePointers.message(shardId, records, "RetryAttemptsExhausted", 11, java.time.Instant.parse("2026-12-05T00:00:00Z")))
        .put("eventSource", "aws:sqs")
        .put("eventSourceARN", "arn:aws:sqs:us-east-1:123456789012:dev-catalog-stream-failures");
    Map<String, String> env = new HashMap<>();
    env.put("AWS_REGION", "us-east-1");
    env.put("SUITE_LOG_LEVEL", "ERROR");
    env.put("SUITE_METRICS", "off");
    // The Streams client takes the general override; every other service has its own.
    env.put("AWS_ENDPOINT_URL", streamsApi.endpoint().toString());
    for (String variable : List.of("AWS_ENDPOINT_URL_SQS", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_DYNAMODB")) {
      env.put(variable, cloudEnv.get(variable));
    }
    for (String variable : List.of("SUITE_DEAD_LETTER_QUEUE_URL", "SUITE_DEAD_LETTER_BUCKET", "SUITE_ALARM_TOPIC_ARN", "AWS_ENDPOINT_URL_SNS")) {
      env.put(variable, deadLetterEnv.get(variable));
    }
    env.put("SUITE_ALARM_TABLE", IDEMPOTENCY_TABLE);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new StreamFailureHandler(env).handleRequest(new ByteArrayInputStream(EventJson.newMapper().writeValueAsBytes(event)), out, null);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static void syncACommandThroughTheWorkflow(LocalCloud cloud, WorkflowRuntime runtime, Map<String, String> deadLetterEnv) throws Exception {
    AtomicReference<CatalogHandler> function = new AtomicReference<>();
    String functionName = LocalCloud.FUNCTION_NAME;
    try (LambdaInvokeBridge lambdas = LambdaInvokeBridge.start(Map.of(functionName, (in, out, context) -> function.get().handleRequest(in, out, context)));
        LocalStepFunctions stepFunctions = LocalStepFunctions.builder(runtime)
            .stateMachine(COMMAND_SYNC, ROOT.resolve("infra/statemachine/command-sync.asl.json"), Map.of(
                "EventFactoryFunctionArn", "arn:aws:lambda:us-east-1:" + LocalStepFunctions.ACCOUNT + ":function:" + functionName + ":live",
                "DeadLetterQueueUrl", deadLetterEnv.get("SUITE_DEAD_LETTER_QUEUE_URL"),
                "AlarmTopicArn", deadLetterEnv.get("SUITE_ALARM_TOPIC_ARN")))
            .sqsEndpoint(URI.create(cloud.environment().get("AWS_ENDPOINT_URL_SQS")))
            .lambdas(lambdas)
            .retryPause(Duration.ofMillis(10))
            .log(QUIET)
            .start()) {
      Map<String, String> env = new HashMap<>(cloud.environment());
      env.put("SUITE_COMMAND_SYNC_MODE", "workflow");
      env.put("SUITE_COMMAND_SYNC_STATE_MACHINE_ARN", stepFunctions.stateMachineArn(COMMAND_SYNC));
      env.put("AWS_ENDPOINT_URL_SFN", stepFunctions.endpoint().toString());
      function.set(new CatalogHandler(env));
      AwsClients harness = new AwsClients(new AwsSettings("us-east-1", Map.of(), null, 1, Duration.ofSeconds(10)));
      CommandService commands = new CommandService(cloud.dynamoDb().client(), cloud.s3(),
          CommandSettings.fromEnvironment(cloud.environment()).orElseThrow(), EventJson.newMapper(), Clock.systemUTC());
      commands.publish(NewCommand.of("PRODUCT#perm", "WF-1", EventJson.newMapper().createObjectNode()
          .put("code", "WF-1").put("name", "Workflow kettle").put("price", 3_900).put("category", "kitchen").put("isActive", true)));
      CommandTableStream stream = cloud.commandStream();
      List<ObjectNode> records = stream.poll();
      assertThat(stream.deliver(function.get(), records, LocalCloud.STREAM_BATCH_SIZE).givenUp()).isZero();
      try (software.amazon.awssdk.services.sfn.SfnClient sfn = harness.configure(software.amazon.awssdk.services.sfn.SfnClient.builder(), "SFN")
          .endpointOverride(stepFunctions.endpoint())
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(HARNESS_KEY, "local"))).build()) {
        Eventually.await("the command's sync succeeded", Duration.ofMinutes(1), () ->
            sfn.listExecutions(r -> r.stateMachineArn(stepFunctions.stateMachineArn(COMMAND_SYNC))).executions().stream()
                .anyMatch(e -> e.statusAsString().equals("SUCCEEDED")));
      }
      assertThat(stream.deliver(function.get(), records, LocalCloud.STREAM_BATCH_SIZE).givenUp()).as("the redelivery answered").isZero();
    }
  }

  private static void runOperations(Map<String, String> cloudEnv, Map<String, String> deadLetterEnv, String jdbcUrl, PostgresEngine postgres)
      throws Exception {
    String checkpoints = "dev-catalog-resync-checkpoints";
    AwsClients harness = new AwsClients(new AwsSettings(
        "us-east-1", Map.of("DYNAMODB", URI.create(cloudEnv.get("AWS_ENDPOINT_URL_DYNAMODB"))), null, 1, Duration.ofSeconds(10)));
    try (DynamoDbClient dynamoDb = harness.configure(DynamoDbClient.builder(), "DYNAMODB")
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(HARNESS_KEY, "local"))).build()) {
      dynamoDb.createTable(r -> r.tableName(checkpoints)
          .billingMode(software.amazon.awssdk.services.dynamodb.model.BillingMode.PAY_PER_REQUEST)
          .attributeDefinitions(
              a -> a.attributeName("run").attributeType(software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType.S),
              a -> a.attributeName("segment").attributeType(software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType.N))
          .keySchema(
              k -> k.attributeName("run").keyType(software.amazon.awssdk.services.dynamodb.model.KeyType.HASH),
              k -> k.attributeName("segment").keyType(software.amazon.awssdk.services.dynamodb.model.KeyType.RANGE)));
    }
    Map<String, String> env = new HashMap<>(cloudEnv);
    for (String variable : List.of("SUITE_ALARM_TOPIC_ARN", "AWS_ENDPOINT_URL_SNS")) {
      env.put(variable, deadLetterEnv.get(variable));
    }
    env.put("SUITE_ALARM_TABLE", IDEMPOTENCY_TABLE);
    env.put("SUITE_RESYNC_CHECKPOINT_TABLE", checkpoints);
    env.put("SUITE_RECONCILE_IGNORE_YOUNGER_THAN_SECONDS", "0");
    io.cqrssuite.catalog.function.OperationsHandler function = new io.cqrssuite.catalog.function.OperationsHandler(env);
    for (int segment = 0; segment < 2; segment++) {
      ObjectNode request = EventJson.newMapper().createObjectNode()
          .put("action", "resync-segment").put("execution", "perm-resync").put("segment", segment).put("turn", 1);
      request.putObject("run").put("totalSegments", 2);
      assertThat(invokeOperation(function, request).path("done").asBoolean()).as("segment %d resynced", segment).isTrue();
    }
    try (java.sql.Connection connection = java.sql.DriverManager.getConnection(jdbcUrl, postgres.user(), postgres.password());
        java.sql.Statement sql = connection.createStatement()) {
      sql.executeUpdate("UPDATE product SET name = 'edited by hand' WHERE id = (SELECT min(id) FROM product WHERE NOT is_deleted)");
    }
    JsonNode reconciled = invokeOperation(function, EventJson.newMapper().createObjectNode().put("action", "reconcile"));
    assertThat(reconciled.path("alarmed").asBoolean()).as("the reconcile alarmed: %s", reconciled).isTrue();

    // A backfill run of the workflow, step by step: the next index from the template (index template, index, alias),
    // its turns through the backfill alias, then the tombstone reindex, the reconcile, the mark and the swap.
    ObjectNode run = EventJson.newMapper().createObjectNode().put("totalSegments", 2).put("backfill", true);
    JsonNode versions = invokeOperation(function, backfillRequest("backfill-open", run));
    assertThat(versions.path("next").asText()).as("the next index: %s", versions).endsWith("-v2");
    run.set("versions", versions);
    for (int segment = 0; segment < 2; segment++) {
      ObjectNode turn = backfillRequest("resync-segment", run).put("segment", segment).put("turn", 1);
      assertThat(invokeOperation(function, turn).path("done").asBoolean()).as("backfill segment %d", segment).isTrue();
    }
    JsonNode finished = invokeOperation(function, backfillRequest("backfill-finish", run));
    assertThat(finished.path("swapped").asBoolean()).as("the backfill swapped: %s", finished).isTrue();
  }

  private static ObjectNode backfillRequest(String action, ObjectNode run) {
    ObjectNode request = EventJson.newMapper().createObjectNode().put("action", action).put("execution", "perm-backfill");
    request.set("run", run);
    return request;
  }

  private static JsonNode invokeOperation(io.cqrssuite.catalog.function.OperationsHandler function, JsonNode request) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    function.handleRequest(new ByteArrayInputStream(EventJson.newMapper().writeValueAsBytes(request)), out, null);
    return EventJson.newMapper().readTree(out.toByteArray());
  }

  private static void redeliverAnImportNotification(LocalCloud cloud) throws Exception {
    ProductCsvFile file = ProductCsvFile.generate(5, "again", 11);
    String key = "imports/csv/perm-again.csv";
    cloud.s3().putObject(r -> r.bucket(LocalCloud.IMPORT_BUCKET).key(key).contentType("text/csv"),
        software.amazon.awssdk.core.sync.RequestBody.fromBytes(file.bytes()));
    ObjectNode notification = cloud.objects().notification(LocalCloud.IMPORT_BUCKET, key);
    ImportStage.deliver(cloud, notification);
    Eventually.await("the second import ended", Duration.ofMinutes(1), () ->
        cloud.stepFunctions().listExecutions(r -> r.stateMachineArn(cloud.importStateMachineArn())).executions().stream()
            .noneMatch(e -> e.statusAsString().equals("RUNNING")));
    ImportStage.deliver(cloud, notification);
  }

  private static String invoke(CatalogHandler function, byte[] event) throws java.io.IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    function.handleRequest(new ByteArrayInputStream(event), out, null);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static void publishLargeCommand(LocalCloud cloud) {
    Map<String, String> env = cloud.environment();
    AwsClients clients = new AwsClients(AwsSettings.fromEnvironment(env));
    try (DynamoDbClient dynamoDb = clients.configure(DynamoDbClient.builder(), "DYNAMODB").build();
        S3Client s3 = clients.configure(S3Client.builder(), "S3").forcePathStyle(true).build()) {
      CommandService service = new CommandService(dynamoDb, s3, CommandSettings.fromEnvironment(env).orElseThrow(), EventJson.newMapper(), Clock.systemUTC());
      ObjectNode product = EventJson.newMapper().createObjectNode()
          .put("code", "BIG-1").put("name", "Catalogue binder").put("price", 900).put("category", "office").put("isActive", true)
          .put("description", "d".repeat(CommandSettings.DEFAULT_OFFLOAD_BYTES + 1024));
      service.publish(NewCommand.of("PRODUCT#perm", "BIG-1", product));
    }
  }

  private static byte[] poisonOrder(String body) throws java.io.IOException {
    ObjectNode event = (ObjectNode) EventJson.newMapper().readTree(poisonOrderTemplate());
    ((ObjectNode) event.get("Records").get(0)).put("body", body);
    return EventJson.newMapper().writeValueAsBytes(event);
  }

  private static byte[] poisonOrderTemplate() {
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
    // The migration function's backup bucket: a variable of SchemaMigrationFunction, not of the event factory.
    names.put(BACKUP_BUCKET, "BackupBucket");
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
    // The backfill's OpenSearch calls were OperationsFunction's: the index template and the next index (PUT), the
    // aliases, reindex and mark (POST, PUT), the alias and task reads (GET, HEAD).
    assertThat(calls).filteredOn(c -> c.function().equals("OperationsFunction")).extracting(RecordedCall::action)
        .contains("es:ESHttpPut", "es:ESHttpPost", "es:ESHttpGet", "es:ESHttpHead");
    assertThat(calls).extracting(RecordedCall::function).as("every call attributed")
        .containsOnly("EventFactoryFunction", "SchemaMigrationFunction", "StreamFailureFunction", "OperationsFunction");
    // Every read model configured (password from the secret), and the same with IAM auth to the database.
    for (Map<String, String> parameters : List.of(full(false), full(true))) {
      DeployedStack stack = DeployedStack.of(translated, parameters);
      assertThat(denied(stack, calls, parameters)).as("calls the roles deny, with %s", parameters.keySet()).isEmpty();
    }
    // No read model configured: every call that is not a read model's is still allowed. OperationsFunction and
    // SchemaMigrationFunction exist only with a read model (there is nothing to resync, reconcile or migrate otherwise).
    DeployedStack minimal = DeployedStack.of(translated, Map.of());
    List<RecordedCall> withoutReadModels = calls.stream()
        .filter(c -> !c.service().equals("es") && !c.service().equals("secretsmanager"))
        .filter(c -> !c.function().equals("OperationsFunction") && !c.function().equals("SchemaMigrationFunction")).toList();
    assertThat(denied(minimal, withoutReadModels, Map.of())).isEmpty();
  }

  /** {@link #denied(DeployedStack, List, List, Map)} per function, each against its own role. */
  private static List<String> denied(DeployedStack stack, List<RecordedCall> recorded, Map<String, String> parameters) {
    List<String> denied = new ArrayList<>();
    for (String function : new TreeSet<>(recorded.stream().map(RecordedCall::function).toList())) {
      assertThat(stack.exists(function)).as("%s exists in the stack with %s", function, parameters.keySet()).isTrue();
      List<RecordedCall> mine = recorded.stream().filter(c -> c.function().equals(function)).toList();
      denied.addAll(denied(stack, stack.statements(stack.roleOf(function)), mine, parameters));
    }
    return denied;
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
    // For the reviewer: each statement with a call that needs it, target/statement-proofs.txt.
    try {
      java.nio.file.Files.write(Path.of("target", "statement-proofs.txt"),
          report.entrySet().stream().map(e -> e.getKey() + " <- " + e.getValue()).toList());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    // Every statement of every role is needed by a recorded call: none is there on trust.
    assertThat(unexercised)
        .as("statements no recorded call needs: remove them, or run the path that needs them (%s)", report)
        .isEmpty();
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
      // with the sender's permissions. So does an object written to or read from a bucket whose default encryption
      // is such a key: S3 asks KMS for a data key (PutObject) or to decrypt it (GetObject) as the caller.
      String key = action.equals("sns:Publish") || action.equals("sqs:SendMessage") ? customerKey(stack, arn)
          : action.startsWith("s3:") ? bucketKey(stack, call) : null;
      List<String> kmsActions = action.equals("s3:PutObject") ? List.of("kms:GenerateDataKey")
          : action.startsWith("s3:") ? List.of("kms:Decrypt") : List.of("kms:GenerateDataKey", "kms:Decrypt");
      if (key != null) {
        for (String kms : kmsActions) {
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

  /** The ARN of the stack's KMS key a bucket (by the call's bucket) encrypts its objects with by default, or null. */
  private static String bucketKey(DeployedStack stack, RecordedCall call) {
    String logical = logical(call.resource().substring(0, call.resource().indexOf('/')));
    JsonNode rules = stack.resource(logical).path("Properties").path("BucketEncryption").path("ServerSideEncryptionConfiguration");
    for (JsonNode rule : rules) {
      JsonNode key = rule.path("ServerSideEncryptionByDefault").path("KMSMasterKeyID");
      JsonNode getAtt = key.path("Fn::GetAtt");
      String keyId = key.has("Ref") ? key.get("Ref").asText()
          : getAtt.isArray() ? getAtt.get(0).asText() : getAtt.isTextual() ? getAtt.asText().split("\\.")[0] : null;
      if (keyId != null) {
        return stack.arn(keyId);
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
        if (resource.startsWith("arn:")) {
          // A stream: its table is the stack's, its label the one the stack's table was given.
          String table = resource.substring(resource.indexOf(":table/") + ":table/".length(), resource.indexOf("/stream/"));
          return "arn:aws:dynamodb" + prefix + "table/" + tableName(stack, table) + "/stream/2026-12-05T00:00:00.000";
        }
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
      case "cloudformation":
        // The stack the request named: CloudFormation sends a custom resource its own stack's ARN.
        return resource;
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
