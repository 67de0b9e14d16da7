package io.cqrssuite.verification.statemachines;

import io.cqrssuite.entity.TableMappingConfig;
import io.cqrssuite.command.CommandTables;
import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.testing.aws.LocalDynamoDb;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.adobe.testing.s3mock.S3MockApplication;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.catalog.function.CatalogHandler;
import io.cqrssuite.testing.stepfunctions.LambdaInvokeBridge;
import io.cqrssuite.testing.stepfunctions.LocalStepFunctions;
import io.cqrssuite.testing.stepfunctions.WorkflowRuntime;
import io.cqrssuite.task.TaskErrors;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * infra/statemachine/csv-import.asl.json as deployed (the template's substitutions), run by the real ASL interpreter
 * behind the local Step Functions harness. Every task is the real CatalogHandler: the S3 notification starts the
 * execution through it, Plan and Summarize are Lambda invokes through the bridge, each chunk is an SQS message on
 * ElasticMQ that a stand-in for the event source mapping hands to the function, which answers its token itself.
 * S3 is S3Mock, DynamoDB dynalite. One harness for the class; retries pause 10 ms.
 */
class CsvImportStateMachineTest {
  private static final String BUCKET = "catalog-imports";
  private static final String FUNCTION = "EventFactoryFunction";
  private static final String FUNCTION_ARN = "arn:aws:lambda:us-east-1:" + LocalStepFunctions.ACCOUNT + ":function:" + FUNCTION + ":live";
  private static final String ALARM_TOPIC = "arn:aws:sns:us-east-1:" + LocalStepFunctions.ACCOUNT + ":suite-alarms";
  private static final String CHUNK_QUEUE = "csv-import-chunks";
  private static final String CHUNK_TASK = "sendMessage.waitForTaskToken";
  /** Below the number of chunks of a test file, so that the Map's MaxConcurrencyPath has work to do. */
  private static final int MAX_CONCURRENCY = 2;
  private static final String HEADER = "tenantCode,code,name,description,price,category,tags,isActive\n";
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final String[] PROPERTIES = {"aws.accessKeyId", "aws.secretAccessKey", "org.springframework.boot.logging.LoggingSystem"};
  private static final Map<String, String> savedProperties = new LinkedHashMap<>();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static SQSRestServer elasticMq;
  private static SqsClient sqs;
  private static LocalDynamoDb dynalite;
  private static DynamoDbClient dynamoDb;
  private static S3MockApplication s3Server;
  private static S3Client s3;
  private static LambdaInvokeBridge lambdas;
  private static LocalStepFunctions stepFunctions;
  private static SfnClient sfn;
  private static volatile RequestStreamHandler function;
  private static RequestStreamHandler storeDownFunction;
  private static ChunkQueueMapping chunkQueue;
  /** Whether the Summarize task meets a function whose DynamoDB is down. */
  private static volatile boolean summaryStoreDown;

  @BeforeAll
  static void start() throws Exception {
    Optional<WorkflowRuntime> runtime = WorkflowRuntime.find();
    assumeTrue(runtime.isPresent(), WorkflowRuntime.INSTALL_HINT);
    for (String name : PROPERTIES) {
      savedProperties.put(name, System.getProperty(name));
    }
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
    System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

    elasticMq = SQSRestServerBuilder.withDynamicPort().withInterface("127.0.0.1").start();
    URI sqsEndpoint = URI.create("http://127.0.0.1:" + elasticMq.waitUntilStarted().localAddress().getPort());
    sqs = SqsClient.builder().region(Region.US_EAST_1).endpointOverride(sqsEndpoint).credentialsProvider(credentials)
        .httpClient(UrlConnectionHttpClient.create()).build();
    String chunkQueueUrl = sqs.createQueue(r -> r.queueName(CHUNK_QUEUE)).queueUrl();

    dynalite = LocalDynamoDb.start(LocalDynamoDb.cli(System.getenv(), SampleEvents.repositoryRoot()).orElseThrow(() -> new IllegalStateException(LocalDynamoDb.INSTALL_HINT)));
    dynamoDb = DynamoDbClient.builder().region(Region.US_EAST_1).endpointOverride(dynalite.endpoint()).credentialsProvider(credentials)
        .httpClient(UrlConnectionHttpClient.create()).build();
    for (String table : List.of("catalog-product-command", "catalog-product-data", "catalog-product-history")) {
      createTable(table, true);
    }
    createTable("catalog-import-progress", false);

    Map<String, Object> properties = new HashMap<>();
    properties.put(S3MockApplication.PROP_HTTP_PORT, S3MockApplication.RANDOM_PORT);
    properties.put(S3MockApplication.PROP_HTTPS_PORT, S3MockApplication.RANDOM_PORT);
    properties.put(S3MockApplication.PROP_INITIAL_BUCKETS, BUCKET);
    properties.put(S3MockApplication.PROP_ROOT_DIRECTORY, Files.createTempDirectory("s3mock-csv-import-asl").toString());
    properties.put(S3MockApplication.PROP_SILENT, true);
    properties.put("server.address", "127.0.0.1");
    s3Server = S3MockApplication.start(properties);
    URI s3Endpoint = URI.create("http://127.0.0.1:" + s3Server.getHttpPort());
    s3 = S3Client.builder().region(Region.US_EAST_1).endpointOverride(s3Endpoint).forcePathStyle(true).credentialsProvider(credentials)
        .httpClient(UrlConnectionHttpClient.create()).build();

    // The bridge starts first (the harness needs its address), the function last (it needs the harness's).
    lambdas = LambdaInvokeBridge.start(Map.of(FUNCTION, CsvImportStateMachineTest::invoke));
    stepFunctions = LocalStepFunctions.builder(runtime.get())
        .stateMachine("csv-import", Definitions.file("csv-import"), Map.of(
            "EventFactoryFunctionArn", FUNCTION_ARN,
            "ImportChunkQueueUrl", chunkQueueUrl,
            "AlarmTopicArn", ALARM_TOPIC))
        .sqsEndpoint(sqsEndpoint)
        .lambdas(lambdas)
        .retryPause(Duration.ofMillis(10))
        .start();
    sfn = SfnClient.builder().region(Region.US_EAST_1).endpointOverride(stepFunctions.endpoint()).credentialsProvider(credentials)
        .httpClient(UrlConnectionHttpClient.create()).build();

    Map<String, String> env = new HashMap<>();
    env.put("AWS_REGION", "us-east-1");
    env.put("SUITE_LOG_LEVEL", "ERROR");
    env.put("SUITE_METRICS", "off");
    env.put("SUITE_AWS_MAX_ATTEMPTS", "1");
    env.put("AWS_ENDPOINT_URL_S3", s3Endpoint.toString());
    env.put("AWS_ENDPOINT_URL_DYNAMODB", dynalite.endpoint().toString());
    env.put("AWS_ENDPOINT_URL_SFN", stepFunctions.endpoint().toString());
    env.put("SUITE_COMMAND_TABLE", "catalog-product-command");
    env.put(TableMappingConfig.VARIABLE, TableMappingConfig.format(CommandTables.fromCommandTable("catalog-product-command").tableMappings("product")));
    env.put("SUITE_IMPORT_PROGRESS_TABLE", "catalog-import-progress");
    env.put("SUITE_IMPORT_STATE_MACHINE_ARN", stepFunctions.stateMachineArn("csv-import"));
    env.put("SUITE_IMPORT_CHUNK_ROWS", "3");
    env.put("SUITE_IMPORT_MAX_CONCURRENCY", Integer.toString(MAX_CONCURRENCY));
    function = new CatalogHandler(env);
    Map<String, String> storeDown = new HashMap<>(env);
    storeDown.put("AWS_ENDPOINT_URL_DYNAMODB", unreachableEndpoint());
    storeDownFunction = new CatalogHandler(storeDown);

    String queueArn = "arn:aws:sqs:us-east-1:" + LocalStepFunctions.ACCOUNT + ":" + CHUNK_QUEUE;
    chunkQueue = new ChunkQueueMapping(sqs, chunkQueueUrl, queueArn, JSON, task -> new ChunkQueueMapping.Delivery(function, task));
  }

  @AfterAll
  static void stop() throws Exception {
    if (chunkQueue != null) {
      chunkQueue.close();
    }
    for (AutoCloseable closeable : new AutoCloseable[] {sfn, stepFunctions, lambdas, sqs, s3, dynamoDb, dynalite}) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        // closing what may be half started: nothing to add to the outcome
      }
    }
    if (s3Server != null) {
      s3Server.stop();
    }
    if (elasticMq != null) {
      elasticMq.stopAndWait();
    }
    savedProperties.forEach((name, value) -> {
      if (value == null) {
        System.clearProperty(name);
      } else {
        System.setProperty(name, value);
      }
    });
  }

  @BeforeEach
  void everyTaskGoesToTheFunction() {
    chunkQueue.route(task -> new ChunkQueueMapping.Delivery(function, task));
    summaryStoreDown = false;
  }

  /** The function behind the bridge (Plan, Summarize); Summarize with its store down when a test says so. */
  private static void invoke(InputStream in, OutputStream out, Context context) throws IOException {
    byte[] payload = in.readAllBytes();
    boolean down = summaryStoreDown && "CSV_IMPORT_SUMMARY".equals(JSON.readTree(payload).path("type").asText());
    (down ? storeDownFunction : function).handleRequest(new ByteArrayInputStream(payload), out, context);
  }

  @Test
  void goodAndBadRowsImportTheGoodOnesReportTheBadOnesAndTheChoiceRaisesTheAlarm() throws Exception {
    // The repository's sample: a quoted newline, a Latin-1 row, short rows, a decimal price among good rows.
    String key = upload("mixed", Files.readAllBytes(Path.of(SampleEvents.repositoryRoot().toString(), "events", "s3", "csv-import", "products-2026-11.csv")));

    DescribeExecutionResponse done = finished(startedBy(key));

    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    JsonNode summary = json(done.output());
    assertThat(summary.path("rows").asLong()).isEqualTo(9);
    assertThat(summary.path("ok").asLong()).isEqualTo(5);
    assertThat(summary.path("rejected").asLong()).isEqualTo(4);
    assertThat(summary.path("failedChunks").asInt()).isZero();
    assertThat(summary.path("status").asText()).isEqualTo("SUCCEEDED_WITH_REJECTIONS");
    List<String> report = s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(summary.path("reportKey").asText())).asUtf8String().lines().toList();
    assertThat(report).extracting(line -> json(line).path("line").asLong()).containsExactly(5L, 6L, 7L, 8L);
    assertThat(report.get(0)).contains("column price must be a whole number of cents");

    List<HistoryEvent> history = history(done.executionArn());
    assertThat(entered(history)).containsSubsequence("Plan", "ImportChunks", "Summarize", "RaiseAlarm?", "PublishImportAlarm", "Imported");
    List<JsonNode> alarms = published(history);
    assertThat(alarms).hasSize(1);
    assertThat(alarms.get(0).path("TopicArn").asText()).isEqualTo(ALARM_TOPIC);
    JsonNode alarm = alarms.get(0).path("Message");
    assertThat(alarm.path("errorClass").asText()).isEqualTo("CsvImport.RowsRejected");
    assertThat(alarm.path("count").asInt()).isEqualTo(4);
    assertThat(alarm.toString()).as("no row content in the alarm").doesNotContain("Chef knife").doesNotContain("12.50");
  }

  @Test
  void aCleanFileSucceedsWithoutTheAlarmBranch() throws Exception {
    String tenant = tenant();
    String key = upload("clean", rows(tenant, 4));

    DescribeExecutionResponse done = finished(startedBy(key));

    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    JsonNode summary = json(done.output());
    assertThat(summary.path("ok").asLong()).isEqualTo(4);
    assertThat(summary.path("rejected").asLong()).isZero();
    assertThat(summary.path("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(summary.path("raiseAlarm").asBoolean()).isFalse();
    List<HistoryEvent> history = history(done.executionArn());
    assertThat(entered(history)).containsSubsequence("Summarize", "RaiseAlarm?", "Imported").doesNotContain("PublishImportAlarm");
    assertThat(published(history)).isEmpty();
  }

  @Test
  void eachChunkTaskTokenTravelsOnTheQueueAndComesBackAsTheTaskResultInTheHistory() throws Exception {
    String tenant = tenant();
    String key = upload("tokens", rows(tenant, 10));

    DescribeExecutionResponse done = finished(startedBy(key));

    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    List<HistoryEvent> history = history(done.executionArn());
    List<HistoryEvent> scheduled = history.stream().filter(CsvImportStateMachineTest::chunkScheduled).toList();
    assertThat(scheduled).hasSize(4);
    Set<String> sentTokens = scheduled.stream()
        .map(e -> json(e.taskScheduledEventDetails().parameters()).path("MessageBody").path("taskToken").asText())
        .collect(Collectors.toSet());
    Set<String> deliveredTokens = chunkQueue.delivered().stream()
        .filter(task -> done.executionArn().equals(task.path("executionId").asText()))
        .map(task -> task.path("taskToken").asText())
        .collect(Collectors.toSet());
    assertThat(deliveredTokens).as("the tokens the function received are the ones the tasks were scheduled with")
        .hasSize(4).isEqualTo(sentTokens);
    assertThat(history).filteredOn(e -> "TaskSubmitted".equals(e.typeAsString())).hasSize(4);
    assertThat(history)
        .filteredOn(e -> "TaskSucceeded".equals(e.typeAsString()) && CHUNK_TASK.equals(e.taskSucceededEventDetails().resource()))
        .extracting(e -> json(e.taskSucceededEventDetails().output()))
        .extracting(output -> output.path("chunkIndex").asInt() + ":" + output.path("ok").asInt())
        .containsExactlyInAnyOrder("0:3", "1:3", "2:3", "3:1");
    assertThat(history).filteredOn(e -> "MapIterationSucceeded".equals(e.typeAsString())).hasSize(4);
    assertThat(json(history.get(0).executionStartedEventDetails().input()).path("settings").path("maxConcurrency").asInt()).isEqualTo(MAX_CONCURRENCY);
    assertThat(mostChunksInFlight(history)).as("MaxConcurrencyPath $.settings.maxConcurrency holds").isLessThanOrEqualTo(MAX_CONCURRENCY);
  }

  @Test
  void aWrongHeaderFailsThePlanRaisesTheAlarmAndFailsTheExecution() throws Exception {
    String key = upload("wrong-header", "sku,title\nP-1,x\n");

    DescribeExecutionResponse done = finished(startedBy(key));

    assertThat(done.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(done.error()).isEqualTo("CsvImport.Refused");
    List<HistoryEvent> history = history(done.executionArn());
    assertThat(entered(history)).containsSubsequence("Plan", "PlanRefusedAlarm", "PublishPlanRefused", "Refused").doesNotContain("ImportChunks");
    List<JsonNode> alarms = published(history);
    assertThat(alarms).hasSize(1);
    JsonNode alarm = alarms.get(0).path("Message");
    assertThat(alarm.path("errorClass").asText()).isEqualTo("io.cqrssuite.catalog.imports.CsvHeaderException");
    assertThat(json(alarm.path("errorMessage").asText()).path("errorMessage").asText()).startsWith("line 1: expected the header");
    assertThat(alarm.path("key").asText()).isEqualTo(key);
    assertThat(chunkQueue.delivered()).noneMatch(task -> done.executionArn().equals(task.path("executionId").asText()));
  }

  @Test
  void aChunkWhoseStoreIsDownOnceIsRetriedWithANewTokenAndTheImportSucceeds() throws Exception {
    String tenant = tenant();
    String key = upload("store-down", rows(tenant, 9));
    Map<Integer, Integer> deliveries = new ConcurrentHashMap<>();
    chunkQueue.route(task -> {
      int index = task.path("mapItemIndex").asInt();
      boolean first = deliveries.merge(index, 1, Integer::sum) == 1;
      return new ChunkQueueMapping.Delivery(index == 1 && first ? storeDownFunction : function, task);
    });

    DescribeExecutionResponse done = finished(startedBy(key));

    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    JsonNode summary = json(done.output());
    assertThat(summary.path("ok").asLong()).isEqualTo(9);
    assertThat(summary.path("failedChunks").asInt()).isZero();
    assertThat(summary.path("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(deliveries).containsEntry(0, 1).containsEntry(1, 2).containsEntry(2, 1);
    List<HistoryEvent> history = history(done.executionArn());
    assertThat(history)
        .filteredOn(e -> "TaskFailed".equals(e.typeAsString()))
        .extracting(e -> e.taskFailedEventDetails().error())
        .containsExactly(TaskErrors.TRANSIENT);
    List<String> chunkOneTokens = chunkQueue.delivered().stream()
        .filter(task -> done.executionArn().equals(task.path("executionId").asText()) && task.path("mapItemIndex").asInt() == 1)
        .map(task -> task.path("taskToken").asText())
        .toList();
    assertThat(chunkOneTokens).hasSize(2).doesNotHaveDuplicates();
    assertThat(published(history)).isEmpty();
  }

  @Test
  void aChunkThatFailsForGoodIsCaughtCountedAsFailedAndAlarmedWhileTheOthersImport() throws Exception {
    String tenant = tenant();
    String key = upload("gone", rows(tenant, 9));
    chunkQueue.route(task -> {
      if (task.path("mapItemIndex").asInt() == 2) {
        // As if the object were deleted while the chunk was on its way: the function cannot read it, ever.
        ((ObjectNode) task.path("input")).put("key", "imports/csv/deleted-" + UUID.randomUUID() + ".csv");
      }
      return new ChunkQueueMapping.Delivery(function, task);
    });

    DescribeExecutionResponse done = finished(startedBy(key));

    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    JsonNode summary = json(done.output());
    assertThat(summary.path("ok").asLong()).isEqualTo(6);
    assertThat(summary.path("failedChunks").asInt()).isEqualTo(1);
    assertThat(summary.path("status").asText()).isEqualTo("FAILED_CHUNKS");
    String report = s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(summary.path("reportKey").asText())).asUtf8String();
    assertThat(report).contains("\"firstLine\":8").contains("chunk not imported: " + TaskErrors.PERMANENT);
    List<HistoryEvent> history = history(done.executionArn());
    assertThat(history)
        .filteredOn(e -> "TaskFailed".equals(e.typeAsString()))
        .extracting(e -> e.taskFailedEventDetails().error())
        .as("a permanent error is not retried")
        .containsExactly(TaskErrors.PERMANENT);
    assertThat(entered(history)).contains("ChunkFailed").containsSubsequence("Summarize", "RaiseAlarm?", "PublishImportAlarm", "Imported");
    List<JsonNode> alarms = published(history);
    assertThat(alarms).hasSize(1);
    assertThat(alarms.get(0).path("Message").path("severity").asText()).isEqualTo("ERROR");
    assertThat(alarms.get(0).path("Message").path("errorClass").asText()).isEqualTo("CsvImport.ChunksFailed");
  }

  @Test
  void aSummaryThatCannotBeWrittenRaisesTheAlarmAndFailsTheExecution() throws Exception {
    String key = upload("no-summary", rows(tenant(), 4));
    summaryStoreDown = true;

    DescribeExecutionResponse done = finished(startedBy(key));

    assertThat(done.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(done.error()).isEqualTo("CsvImport.SummaryFailed");
    List<HistoryEvent> history = history(done.executionArn());
    assertThat(entered(history)).containsSubsequence("ImportChunks", "Summarize", "SummaryFailedAlarm", "PublishSummaryFailed", "SummaryFailed")
        .doesNotContain("RaiseAlarm?");
    List<JsonNode> alarms = published(history);
    assertThat(alarms).hasSize(1);
    assertThat(alarms.get(0).path("Subject").asText()).isEqualTo("CSV import summary failed");
    assertThat(alarms.get(0).path("Message").path("handler").asText()).isEqualTo("CsvImportSummary");
    assertThat(alarms.get(0).path("Message").path("key").asText()).isEqualTo(key);
  }

  // ------------------------------------------------------------------------------------------------ helpers

  private static String tenant() {
    return "t" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** {@code count} valid rows of one tenant. */
  private static String rows(String tenant, int count) {
    StringBuilder csv = new StringBuilder(HEADER);
    for (int i = 1; i <= count; i++) {
      csv.append(tenant).append(",C-").append(i).append(",Item ").append(i).append(",,").append(100 * i).append(",misc,,true\n");
    }
    return csv.toString();
  }

  /** Puts the CSV under imports/csv/ and sends the function S3's notification of it; returns the key. */
  private static String upload(String name, String csv) throws IOException {
    return upload(name, csv.getBytes(StandardCharsets.UTF_8));
  }

  private static String upload(String name, byte[] bytes) throws IOException {
    String key = "imports/csv/" + name + "-" + UUID.randomUUID().toString().substring(0, 8) + ".csv";
    String eTag = s3.putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes)).eTag().replace("\"", "");
    ObjectNode event = (ObjectNode) JSON.readTree(Path.of(SampleEvents.repositoryRoot().toString(), "events", "s3", "csv-import-object-created.json").toFile());
    ObjectNode object = (ObjectNode) event.path("Records").get(0).path("s3").path("object");
    object.put("key", key).put("size", bytes.length).put("eTag", eTag);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    function.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), out, null);
    return key;
  }

  /** The execution the notification of {@code key} started: its name begins with the file name. */
  private static String startedBy(String key) {
    String file = key.substring(key.lastIndexOf('/') + 1).replace('.', '_');
    List<String> arns = sfn.listExecutions(r -> r.stateMachineArn(stepFunctions.stateMachineArn("csv-import"))).executions().stream()
        .filter(e -> e.name().startsWith(file))
        .map(e -> e.executionArn())
        .toList();
    assertThat(arns).as("executions started for %s", key).hasSize(1);
    return arns.get(0);
  }

  private static DescribeExecutionResponse finished(String executionArn) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (true) {
      DescribeExecutionResponse execution = sfn.describeExecution(r -> r.executionArn(executionArn));
      if (execution.status() != ExecutionStatus.RUNNING) {
        return execution;
      }
      assertThat(System.nanoTime()).as("%s still running after %s", executionArn, DEADLINE).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private static boolean chunkScheduled(HistoryEvent e) {
    return "TaskScheduled".equals(e.typeAsString()) && CHUNK_TASK.equals(e.taskScheduledEventDetails().resource());
  }

  /** The most chunk tasks scheduled and not yet answered at any point of the history. */
  private static int mostChunksInFlight(List<HistoryEvent> history) {
    int inFlight = 0;
    int most = 0;
    for (HistoryEvent e : history) {
      if (chunkScheduled(e)) {
        most = Math.max(most, ++inFlight);
      } else if ("TaskSucceeded".equals(e.typeAsString()) && CHUNK_TASK.equals(e.taskSucceededEventDetails().resource())
          || "TaskFailed".equals(e.typeAsString()) && CHUNK_TASK.equals(e.taskFailedEventDetails().resource())) {
        inFlight--;
      }
    }
    return most;
  }

  private static List<HistoryEvent> history(String executionArn) {
    return sfn.getExecutionHistory(r -> r.executionArn(executionArn)).events();
  }

  /** The names of the states entered, in order. */
  private static List<String> entered(List<HistoryEvent> history) {
    return history.stream().filter(e -> e.stateEnteredEventDetails() != null).map(e -> e.stateEnteredEventDetails().name()).toList();
  }

  /** The parameters of every sns:publish the execution made (the harness records them; nothing is delivered). */
  private static List<JsonNode> published(List<HistoryEvent> history) {
    return history.stream()
        .filter(e -> "TaskScheduled".equals(e.typeAsString()) && "publish".equals(e.taskScheduledEventDetails().resource()))
        .map(e -> json(e.taskScheduledEventDetails().parameters()))
        .toList();
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  private static void createTable(String table, boolean sorted) {
    dynamoDb.createTable(r -> {
      r.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST);
      if (sorted) {
        r.attributeDefinitions(
                a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
                a -> a.attributeName("sk").attributeType(ScalarAttributeType.S))
            .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH), k -> k.attributeName("sk").keyType(KeyType.RANGE));
      } else {
        r.attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
            .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH));
      }
    });
  }

  /** A loopback URL nothing listens on: a store that is down, for a function that must fail transiently. */
  private static String unreachableEndpoint() throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return "http://127.0.0.1:" + socket.getLocalPort();
    }
  }
}
