package io.cqrssuite.verification.statemachines;

import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.testing.aws.LocalDynamoDb;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.command.CommandIntake;
import io.cqrssuite.command.CommandService;
import io.cqrssuite.command.CommandSettings;
import io.cqrssuite.command.CommandSyncSettings;
import io.cqrssuite.command.CommandTables;
import io.cqrssuite.entity.TableMappingConfig;
import io.cqrssuite.command.NewCommand;
import io.cqrssuite.catalog.function.CatalogHandler;
import io.cqrssuite.testing.stepfunctions.LambdaInvokeBridge;
import io.cqrssuite.testing.stepfunctions.LocalStepFunctions;
import io.cqrssuite.testing.stepfunctions.WorkflowRuntime;
import io.cqrssuite.reliability.deadletter.DeadLetterReplay;
import io.cqrssuite.task.TaskErrors;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * infra/statemachine/command-sync.asl.json as deployed (the template's substitutions), run by the real ASL
 * interpreter behind the local Step Functions harness, with the real CatalogHandler in workflow mode: a command
 * written with CommandService reaches the function as its stream record, the function starts the execution, the
 * SyncCommand task invokes the function through the bridge and the function answers its token. DynamoDB is dynalite,
 * the dead-letter queue ElasticMQ. One harness for the class; retries pause 10 ms.
 */
class CommandSyncStateMachineTest {
  private static final String FUNCTION = "EventFactoryFunction";
  private static final String FUNCTION_ARN = "arn:aws:lambda:us-east-1:" + LocalStepFunctions.ACCOUNT + ":function:" + FUNCTION + ":live";
  private static final String ALARM_TOPIC = "arn:aws:sns:us-east-1:" + LocalStepFunctions.ACCOUNT + ":suite-alarms";
  private static final CommandTables TABLES = CommandTables.named("shop-product");
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final String[] PROPERTIES = {"aws.accessKeyId", "aws.secretAccessKey"};
  private static final Map<String, String> savedProperties = new LinkedHashMap<>();
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Executions whose first SyncCommand invoke meets a function whose DynamoDB is down. */
  private static final Set<String> STORE_DOWN_ONCE = ConcurrentHashMap.newKeySet();
  /** Executions whose every SyncCommand invoke meets a function whose DynamoDB is down. */
  private static final Set<String> STORE_DOWN_ALWAYS = ConcurrentHashMap.newKeySet();
  /** The task payloads the function was invoked with, in order. */
  private static final List<JsonNode> INVOKED = new CopyOnWriteArrayList<>();

  private static SQSRestServer elasticMq;
  private static SqsClient sqs;
  private static String deadLetterQueueUrl;
  private static LocalDynamoDb dynalite;
  private static DynamoDbClient dynamoDb;
  private static CommandService commands;
  private static LambdaInvokeBridge lambdas;
  private static LocalStepFunctions stepFunctions;
  private static SfnClient sfn;
  private static volatile RequestStreamHandler function;
  private static volatile RequestStreamHandler storeDownFunction;
  private static CommandStreamRecords stream;

  @BeforeAll
  static void start() throws Exception {
    Optional<WorkflowRuntime> runtime = WorkflowRuntime.find();
    assumeTrue(runtime.isPresent(), WorkflowRuntime.INSTALL_HINT);
    for (String name : PROPERTIES) {
      savedProperties.put(name, System.getProperty(name));
    }
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
    StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

    elasticMq = SQSRestServerBuilder.withDynamicPort().withInterface("127.0.0.1").start();
    URI sqsEndpoint = URI.create("http://127.0.0.1:" + elasticMq.waitUntilStarted().localAddress().getPort());
    sqs = SqsClient.builder().region(Region.US_EAST_1).endpointOverride(sqsEndpoint).credentialsProvider(credentials)
        .httpClient(UrlConnectionHttpClient.create()).build();
    deadLetterQueueUrl = sqs.createQueue(r -> r.queueName("suite-dead-letters")).queueUrl();

    dynalite = LocalDynamoDb.start(LocalDynamoDb.cli(System.getenv(), SampleEvents.repositoryRoot()).orElseThrow(() -> new IllegalStateException(LocalDynamoDb.INSTALL_HINT)));
    dynamoDb = DynamoDbClient.builder().region(Region.US_EAST_1).endpointOverride(dynalite.endpoint()).credentialsProvider(credentials)
        .httpClient(UrlConnectionHttpClient.create()).build();
    for (String table : List.of(TABLES.command(), TABLES.data(), TABLES.history())) {
      dynamoDb.createTable(r -> r.tableName(table)
          .attributeDefinitions(
              a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
              a -> a.attributeName("sk").attributeType(ScalarAttributeType.S))
          .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH), k -> k.attributeName("sk").keyType(KeyType.RANGE))
          .billingMode(BillingMode.PAY_PER_REQUEST));
    }
    commands = new CommandService(dynamoDb, (S3Client) null, new CommandSettings(TABLES, null, CommandSettings.DEFAULT_OFFLOAD_BYTES, Duration.ZERO), JSON, Clock.systemUTC());
    stream = new CommandStreamRecords(dynamoDb, TABLES.command(), JSON);

    lambdas = LambdaInvokeBridge.start(Map.of(FUNCTION, CommandSyncStateMachineTest::invoke));
    stepFunctions = LocalStepFunctions.builder(runtime.get())
        .stateMachine("command-sync", Definitions.file("command-sync"), Map.of(
            "EventFactoryFunctionArn", FUNCTION_ARN,
            "DeadLetterQueueUrl", deadLetterQueueUrl,
            "AlarmTopicArn", ALARM_TOPIC))
        .sqsEndpoint(sqsEndpoint)
        .lambdas(lambdas)
        .retryPause(Duration.ofMillis(10))
        .start();
    sfn = SfnClient.builder().region(Region.US_EAST_1).endpointOverride(stepFunctions.endpoint()).credentialsProvider(credentials)
        .httpClient(UrlConnectionHttpClient.create()).build();

    // As the template configures EventFactoryFunction for workflow mode; no dead-letter queue of its own, so a
    // replay's failure is not enveloped again.
    Map<String, String> env = new HashMap<>();
    env.put("AWS_REGION", "us-east-1");
    env.put("SUITE_LOG_LEVEL", "ERROR");
    env.put("SUITE_METRICS", "off");
    env.put("SUITE_AWS_MAX_ATTEMPTS", "1");
    env.put("AWS_ENDPOINT_URL_DYNAMODB", dynalite.endpoint().toString());
    env.put("AWS_ENDPOINT_URL_SFN", stepFunctions.endpoint().toString());
    env.put(CommandSettings.TABLE, TABLES.command());
    env.put(TableMappingConfig.VARIABLE, TableMappingConfig.format(TABLES.tableMappings("product")));
    env.put(CommandSyncSettings.MODE, "workflow");
    env.put(CommandSyncSettings.STATE_MACHINE_ARN, stepFunctions.stateMachineArn("command-sync"));
    function = new CatalogHandler(env);
    Map<String, String> storeDown = new HashMap<>(env);
    storeDown.put("AWS_ENDPOINT_URL_DYNAMODB", unreachableEndpoint());
    storeDownFunction = new CatalogHandler(storeDown);
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable closeable : new AutoCloseable[] {sfn, stepFunctions, lambdas, sqs, dynamoDb, dynalite}) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        // closing what may be half started: nothing to add to the outcome
      }
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

  /** The function behind the bridge, or once for a chosen execution the same function with its store down. */
  private static void invoke(InputStream in, OutputStream out, Context context) throws IOException {
    byte[] payload = in.readAllBytes();
    JsonNode task = JSON.readTree(payload);
    INVOKED.add(task);
    String execution = task.path("executionId").asText();
    RequestStreamHandler target = STORE_DOWN_ONCE.remove(execution) || STORE_DOWN_ALWAYS.contains(execution) ? storeDownFunction : function;
    target.handleRequest(new ByteArrayInputStream(payload), out, context);
  }

  @Test
  void aCommandsStreamRecordStartsItsSyncWhichWritesTheDataTableAndSucceedsOnce() throws Exception {
    String pk = "PRODUCT#" + UUID.randomUUID();
    commands.publish(NewCommand.of(pk, "P-1", JSON.createObjectNode().put("name", "kettle").put("price", 3900)));
    List<ObjectNode> records = stream.inserts(pk, "P-1");
    assertThat(records).hasSize(1);

    assertThat(deliver(records)).as("batchItemFailures").isEmpty();
    assertThat(deliver(records)).as("a redelivery starts nothing new").isEmpty();
    DescribeExecutionResponse done = finished(executionArn(pk, "P-1", 1));

    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    JsonNode output = json(done.output());
    assertThat(output.path("table").asText()).isEqualTo(TABLES.command());
    assertThat(output.path("version").asLong()).isEqualTo(1);
    assertThat(output.path("sync").isObject()).as("the function's answer, at ResultPath $.sync: %s", output).isTrue();
    Map<String, AttributeValue> data = dataItem(pk, "P-1");
    assertThat(data.get("version").n()).isEqualTo("1");
    assertThat(data.get("name").s()).isEqualTo("kettle");
    assertThat(sfn.listExecutions(r -> r.stateMachineArn(stepFunctions.stateMachineArn("command-sync"))).executions())
        .filteredOn(e -> e.executionArn().equals(done.executionArn()))
        .hasSize(1);
    List<HistoryEvent> history = history(done.executionArn());
    JsonNode scheduled = history.stream()
        .filter(e -> "TaskScheduled".equals(e.typeAsString()))
        .map(e -> json(e.taskScheduledEventDetails().parameters()))
        .findFirst().orElseThrow();
    String token = scheduled.path("Payload").path("taskToken").asText();
    assertThat(INVOKED).filteredOn(task -> done.executionArn().equals(task.path("executionId").asText()))
        .extracting(task -> task.path("taskToken").asText())
        .as("the function was invoked with the token the task was scheduled with")
        .containsExactly(token);
    assertThat(history).extracting(HistoryEvent::typeAsString)
        .containsSubsequence("TaskStateEntered", "TaskScheduled", "TaskSubmitted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded");
  }

  @Test
  void aTransientFailureOfTheSyncIsRetriedWithANewTokenAndThenSucceeds() throws Exception {
    String pk = "PRODUCT#" + UUID.randomUUID();
    commands.publish(NewCommand.of(pk, "P-2", JSON.createObjectNode().put("name", "mug").put("price", 990)));
    String arn = executionArn(pk, "P-2", 1);
    STORE_DOWN_ONCE.add(arn);

    assertThat(deliver(stream.inserts(pk, "P-2"))).isEmpty();
    DescribeExecutionResponse done = finished(arn);

    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(dataItem(pk, "P-2").get("version").n()).isEqualTo("1");
    assertThat(history(arn))
        .filteredOn(e -> "TaskFailed".equals(e.typeAsString()))
        .extracting(e -> e.taskFailedEventDetails().error())
        .containsExactly(TaskErrors.TRANSIENT);
    assertThat(INVOKED).filteredOn(task -> arn.equals(task.path("executionId").asText()))
        .extracting(task -> task.path("taskToken").asText())
        .hasSize(2)
        .doesNotHaveDuplicates();
    assertThat(published(history(arn))).isEmpty();
  }

  @Test
  void aPermanentFailureIsDeadLetteredReplayablyAlarmedAndFailsTheExecution() throws Exception {
    // Started as the command stream starts it, for a version the command table does not hold: no retry can help.
    String pk = "PRODUCT#" + UUID.randomUUID();
    String name = CommandIntake.executionName(TABLES.command(), pk, "P-3", 1);
    ObjectNode input = JSON.createObjectNode()
        .put("table", TABLES.command()).put("pk", pk).put("code", "P-3").put("version", 1).put("correlationId", "req-" + pk);
    String arn = sfn.startExecution(r -> r.stateMachineArn(stepFunctions.stateMachineArn("command-sync")).name(name).input(input.toString()))
        .executionArn();

    DescribeExecutionResponse done = finished(arn);

    assertThat(done.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(done.error()).isEqualTo("CqrsSuite.CommandSyncDeadLettered");
    List<HistoryEvent> history = history(arn);
    assertThat(history)
        .filteredOn(e -> "TaskFailed".equals(e.typeAsString()))
        .extracting(e -> e.taskFailedEventDetails().error())
        .as("a permanent error is not retried")
        .containsExactly(TaskErrors.PERMANENT);
    assertThat(entered(history)).containsExactly("SyncCommand", "Permanent", "DeadLetter", "Alarm", "DeadLettered");

    Message message = deadLetter(arn);
    JsonNode envelope = json(message.body());
    assertThat(envelope.path("envelopeVersion").asInt()).isEqualTo(1);
    assertThat(envelope.path("source").asText()).isEqualTo("STEP_FUNCTIONS");
    assertThat(envelope.path("eventId").asText()).isEqualTo(arn + "#SyncCommand");
    assertThat(envelope.path("handler").asText()).isEqualTo("CommandSyncTaskHandler");
    assertThat(envelope.path("errorClass").asText()).isEqualTo(TaskErrors.PERMANENT);
    assertThat(envelope.path("failureKind").asText()).isEqualTo("PERMANENT");
    assertThat(json(envelope.path("errorMessage").asText()).path("errorMessage").asText()).contains("is in none of");
    assertThat(envelope.path("record").path("input"))
        .isEqualTo(JSON.createObjectNode().put("table", TABLES.command()).put("pk", pk).put("code", "P-3").put("version", 1));
    assertThat(Instant.parse(envelope.path("lastFailureAt").asText())).isBefore(Instant.now());
    assertThat(envelope.path("record").has("taskToken")).as("a replay must not answer a spent token").isFalse();

    List<JsonNode> alarms = published(history);
    assertThat(alarms).hasSize(1);
    assertThat(alarms.get(0).path("TopicArn").asText()).isEqualTo(ALARM_TOPIC);
    assertThat(alarms.get(0).path("Message").path("executionId").asText()).isEqualTo(arn);
    assertThat(alarms.get(0).path("Message").path("failureKind").asText()).isEqualTo("PERMANENT");
    assertThat(alarms.get(0).path("Message").toString()).as("ids and the error only").doesNotContain("is in none of");

    // The cause fixed (the command now exists), the dead letter replays the same sync forward.
    sqs.changeMessageVisibility(r -> r.queueUrl(deadLetterQueueUrl).receiptHandle(message.receiptHandle()).visibilityTimeout(0));
    commands.publish(NewCommand.of(pk, "P-3", JSON.createObjectNode().put("name", "lamp").put("price", 4500)));
    DeadLetterReplay.Summary replay = new DeadLetterReplay(sqs, null, deadLetterQueueUrl, JSON, 5).replay(10, function);
    assertThat(replay.replayed()).as("%s", replay).isEqualTo(1);
    assertThat(replay.failed()).isZero();
    assertThat(dataItem(pk, "P-3").get("name").s()).isEqualTo("lamp");
  }

  @Test
  void aSyncWhoseStoreStaysDownSpendsItsRetriesAndIsDeadLetteredAsTransient() throws Exception {
    String pk = "PRODUCT#" + UUID.randomUUID();
    commands.publish(NewCommand.of(pk, "P-4", JSON.createObjectNode().put("name", "board").put("price", 2500)));
    String arn = executionArn(pk, "P-4", 1);
    STORE_DOWN_ALWAYS.add(arn);

    assertThat(deliver(stream.inserts(pk, "P-4"))).isEmpty();
    DescribeExecutionResponse done = finished(arn);

    assertThat(done.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(done.error()).isEqualTo("CqrsSuite.CommandSyncDeadLettered");
    List<HistoryEvent> history = history(arn);
    assertThat(history)
        .filteredOn(e -> "TaskFailed".equals(e.typeAsString()) && "invoke.waitForTaskToken".equals(e.taskFailedEventDetails().resource()))
        .extracting(e -> e.taskFailedEventDetails().error())
        .as("the first attempt and the Retry's MaxAttempts 2: three at most, each noticed dead within HeartbeatSeconds")
        .hasSize(3)
        .containsOnly(TaskErrors.TRANSIENT);
    assertThat(entered(history)).containsSubsequence("SyncCommand", "RetriesSpent", "DeadLetter", "Alarm", "DeadLettered").doesNotContain("Permanent");
    JsonNode envelope = json(deadLetter(arn).body());
    assertThat(envelope.path("failureKind").asText()).isEqualTo("TRANSIENT");
    assertThat(envelope.path("errorClass").asText()).isEqualTo(TaskErrors.TRANSIENT);
    assertThat(published(history)).extracting(alarm -> alarm.path("Message").path("failureKind").asText()).containsExactly("TRANSIENT");
    assertThat(dataItem(pk, "P-4")).isEmpty();
  }

  // ------------------------------------------------------------------------------------------------ helpers

  private static String executionArn(String pk, String code, long version) {
    return "arn:aws:states:us-east-1:" + LocalStepFunctions.ACCOUNT + ":execution:command-sync:"
        + CommandIntake.executionName(TABLES.command(), pk, code, version);
  }

  /** Delivers the stream records to the function as the event source mapping would; returns batchItemFailures. */
  private static JsonNode deliver(List<ObjectNode> records) throws IOException {
    ObjectNode event = JSON.createObjectNode();
    ArrayNode array = event.putArray("Records");
    records.forEach(array::add);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    function.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), out, null);
    return json(out.toString(StandardCharsets.UTF_8)).path("batchItemFailures");
  }

  /** The dead letter of this execution, received (and so hidden for a while) but not deleted. */
  private static Message deadLetter(String executionArn) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      for (Message message : sqs.receiveMessage(r -> r.queueUrl(deadLetterQueueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
        if (executionArn.equals(json(message.body()).path("itemIdentifier").asText())) {
          return message;
        }
        sqs.changeMessageVisibility(r -> r.queueUrl(deadLetterQueueUrl).receiptHandle(message.receiptHandle()).visibilityTimeout(0));
      }
    }
    throw new AssertionError("no dead letter for " + executionArn + " within " + DEADLINE);
  }

  private static Map<String, AttributeValue> dataItem(String pk, String code) {
    return dynamoDb.getItem(r -> r.tableName(TABLES.data())
        .key(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(code))).consistentRead(true)).item();
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

  private static List<HistoryEvent> history(String executionArn) {
    return sfn.getExecutionHistory(r -> r.executionArn(executionArn)).events();
  }

  private static List<String> entered(List<HistoryEvent> history) {
    return history.stream().filter(e -> e.stateEnteredEventDetails() != null).map(e -> e.stateEnteredEventDetails().name()).toList();
  }

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

  /** A loopback URL nothing listens on: a store that is down, for a function that must fail transiently. */
  private static String unreachableEndpoint() throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return "http://127.0.0.1:" + socket.getLocalPort();
    }
  }
}
