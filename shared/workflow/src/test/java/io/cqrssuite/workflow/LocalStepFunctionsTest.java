package io.cqrssuite.workflow;

import io.cqrssuite.testing.stepfunctions.LambdaInvokeBridge;
import io.cqrssuite.testing.stepfunctions.LocalStepFunctions;
import io.cqrssuite.testing.stepfunctions.WorkflowRuntime;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.failure.PermanentException;
import io.cqrssuite.failure.TransientException;
import io.cqrssuite.logging.CorrelationContext;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.workflow.WorkflowStarts;
import io.cqrssuite.workflow.StepFunctionsTaskCallbacks;
import io.cqrssuite.task.TaskCallbacks.Completion;
import io.cqrssuite.task.TaskErrors;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.InvalidDefinitionException;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The state machines under src/test/resources/statemachine, run by the real ASL interpreter behind the local Step
 * Functions harness, driven through the AWS SDK's SfnClient; task tokens travel on ElasticMQ and come back through
 * the suite's StepFunctionsTaskCallbacks. One harness process for the class.
 */
class LocalStepFunctionsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration DEADLINE = Duration.ofSeconds(15);
  private static final Map<String, AtomicInteger> RESERVE_ATTEMPTS = new ConcurrentHashMap<>();

  private static SQSRestServer elasticMq;
  private static SqsClient sqs;
  private static LambdaInvokeBridge lambdas;
  private static LocalStepFunctions stepFunctions;
  private static SfnClient sfn;
  private static StepFunctionsTaskCallbacks callbacks;
  private static String workQueueUrl;
  private static long startMillis;

  @BeforeAll
  static void startHarness() throws Exception {
    Optional<WorkflowRuntime> runtime = WorkflowRuntime.find();
    assumeTrue(runtime.isPresent(), WorkflowRuntime.INSTALL_HINT);
    elasticMq = SQSRestServerBuilder.withDynamicPort().withInterface("127.0.0.1").start();
    URI sqsEndpoint = URI.create("http://127.0.0.1:" + elasticMq.waitUntilStarted().localAddress().getPort());
    sqs = SqsClient.builder()
        .region(Region.US_EAST_1)
        .endpointOverride(sqsEndpoint)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
    workQueueUrl = newQueue();
    lambdas = LambdaInvokeBridge.start(Map.of("reserve", reserve(), "compensate", compensate(), "approver", approver()));
    long started = System.nanoTime();
    stepFunctions = LocalStepFunctions.builder(runtime.get())
        .stateMachine("choice", definition("choice"), Map.of())
        .stateMachine("reserve", definition("reserve"), Map.of(
            "ReserveFunctionArn", "arn:aws:lambda:us-east-1:123456789012:function:reserve",
            "ReservedTopicArn", "arn:aws:sns:us-east-1:123456789012:reserved"))
        .stateMachine("approval", definition("approval"), Map.of())
        .stateMachine("heartbeat", definition("heartbeat"), Map.of("WorkQueueUrl", workQueueUrl))
        .stateMachine("pricing", definition("pricing"), Map.of())
        .stateMachine("deadline", definition("deadline"), Map.of())
        .stateMachine("callback", definition("callback"), Map.of())
        .sqsEndpoint(sqsEndpoint)
        .lambdas(lambdas)
        .retryPause(Duration.ofMillis(10))
        .start();
    startMillis = (System.nanoTime() - started) / 1_000_000;
    sfn = SfnClient.builder()
        .region(Region.US_EAST_1)
        .endpointOverride(stepFunctions.endpoint())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
    callbacks = new StepFunctionsTaskCallbacks(sfn, new StructuredLog("local-step-functions-test", System.err, StructuredLog.Level.WARN));
  }

  @AfterAll
  static void stopHarness() {
    for (AutoCloseable closeable : new AutoCloseable[] {sfn, stepFunctions, lambdas, sqs}) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        // closing what may be half started: nothing to add to the test's outcome
      }
    }
    if (elasticMq != null) {
      elasticMq.stopAndWait();
    }
  }

  @Test
  void harnessStartsWithinAFewSeconds() {
    assertThat(startMillis).as("harness start, ms").isLessThan(10_000);
  }

  @Test
  void choiceRoutesALargeOrderToReviewAndASmallOneStraightThrough() throws Exception {
    DescribeExecutionResponse large = finished(start("choice", "{\"amount\":250}"));
    DescribeExecutionResponse small = finished(start("choice", "{\"amount\":40}"));

    assertThat(large.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(json(large.output())).isEqualTo(json("{\"route\":\"review\",\"amount\":250}"));
    assertThat(small.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(json(small.output())).isEqualTo(json("{\"route\":\"auto\",\"amount\":40}"));
    assertThat(history(small.executionArn()))
        .extracting(HistoryEvent::typeAsString)
        .containsSubsequence("ExecutionStarted", "ChoiceStateEntered", "ChoiceStateExited", "PassStateEntered", "ExecutionSucceeded");
    assertThat(history(small.executionArn()))
        .filteredOn(e -> "PassStateEntered".equals(e.typeAsString()))
        .extracting(e -> e.stateEnteredEventDetails().name())
        .containsExactly("AutoApprove");
  }

  @Test
  void aTransientLambdaErrorIsRetriedUntilTheFunctionSucceeds() throws Exception {
    String key = "retry-" + UUID.randomUUID();

    DescribeExecutionResponse done = finished(start("reserve", "{\"key\":\"" + key + "\",\"failTimes\":2}"));

    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(json(done.output())).isEqualTo(json("{\"reserved\":{\"key\":\"" + key + "\",\"attempt\":3},\"status\":200}"));
    assertThat(RESERVE_ATTEMPTS.get(key)).hasValue(3);
    List<HistoryEvent> history = history(done.executionArn());
    assertThat(history)
        .filteredOn(e -> "TaskFailed".equals(e.typeAsString()))
        .extracting(e -> e.taskFailedEventDetails().error())
        .containsExactly(TransientException.class.getName(), TransientException.class.getName());
    assertThat(history)
        .filteredOn(e -> "TaskScheduled".equals(e.typeAsString()) && "publish".equals(e.taskScheduledEventDetails().resource()))
        .extracting(e -> json(e.taskScheduledEventDetails().parameters()).path("TopicArn").asText())
        .containsExactly("arn:aws:sns:us-east-1:123456789012:reserved");
  }

  @Test
  void aPermanentLambdaErrorIsCaughtAndCompensated() throws Exception {
    String key = "catch-" + UUID.randomUUID();

    DescribeExecutionResponse done = finished(start("reserve", "{\"key\":\"" + key + "\",\"permanent\":true}"));

    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    JsonNode output = json(done.output());
    assertThat(output.path("compensated").asText()).isEqualTo(key);
    assertThat(output.path("error").asText()).isEqualTo(PermanentException.class.getName());
    assertThat(json(output.path("cause").asText()).path("errorMessage").asText()).isEqualTo("no stock for " + key);
    assertThat(RESERVE_ATTEMPTS.get(key)).as("a permanent error is not retried").hasValue(1);
  }

  @Test
  void sendTaskSuccessCompletesTheWaitingStateWithItsOutputAndASecondAnswerIsHarmless() throws Exception {
    String queue = newQueue();
    String arn = start("approval", "{\"queueUrl\":\"" + queue + "\",\"order\":7}");

    JsonNode task = awaitTask(queue, arn);
    assertThat(task.path("state").asText()).isEqualTo("Approve");
    assertThat(task.path("type").asText()).isEqualTo("approve");
    assertThat(task.path("input").path("order").asInt()).isEqualTo(7);
    String token = task.path("taskToken").asText();

    assertThat(callbacks.succeed(token, "{\"approved\":true}")).isEqualTo(Completion.DELIVERED);
    DescribeExecutionResponse done = finished(arn);
    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(json(done.output())).isEqualTo(json("{\"approved\":true}"));

    assertThat(callbacks.succeed(token, "{\"approved\":false}")).isEqualTo(Completion.ALREADY_FINAL);
    assertThat(callbacks.fail(token, TaskErrors.PERMANENT, "late")).isEqualTo(Completion.ALREADY_FINAL);
    assertThatThrownBy(() -> sfn.sendTaskSuccess(r -> r.taskToken(token).output("{}"))).isInstanceOf(TaskDoesNotExistException.class);
    assertThatThrownBy(() -> sfn.sendTaskHeartbeat(r -> r.taskToken("not-a-token!"))).isInstanceOf(InvalidTokenException.class);
  }

  @Test
  void aLambdaFunctionInvokedWithATaskTokenAnswersItThroughTaskCallbacks() throws Exception {
    DescribeExecutionResponse done = finished(start("callback", "{\"order\":12}"));

    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(json(done.output())).isEqualTo(json("{\"approvedBy\":\"approver\",\"order\":12}"));
  }

  @Test
  void aTransientTaskFailureIsRetriedWithANewTokenAndAPermanentOneIsCaught() throws Exception {
    String queue = newQueue();
    String arn = start("approval", "{\"queueUrl\":\"" + queue + "\",\"order\":8}");

    String first = awaitTask(queue, arn).path("taskToken").asText();
    assertThat(callbacks.fail(first, TaskErrors.TRANSIENT, "approvals database busy")).isEqualTo(Completion.DELIVERED);
    String second = awaitTask(queue, arn).path("taskToken").asText();
    assertThat(second).isNotEqualTo(first);
    assertThat(callbacks.fail(second, TaskErrors.PERMANENT, "order 8 is not approvable")).isEqualTo(Completion.DELIVERED);

    DescribeExecutionResponse done = finished(arn);
    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(json(done.output())).isEqualTo(json("{\"rejected\":\"CqrsSuite.PermanentError\",\"why\":\"order 8 is not approvable\"}"));
    assertThat(history(arn))
        .filteredOn(e -> "TaskFailed".equals(e.typeAsString()))
        .extracting(e -> e.taskFailedEventDetails().error())
        .containsExactly(TaskErrors.TRANSIENT, TaskErrors.PERMANENT);
  }

  @Test
  void aTaskWithoutHeartbeatsTimesOutIntoItsCatchAndItsTokenIsThenTimedOut() throws Exception {
    String arn = start("heartbeat", "{\"job\":\"silent\"}");
    String token = awaitTask(workQueueUrl, arn).path("taskToken").asText();

    DescribeExecutionResponse done = finished(arn);

    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(json(done.output())).isEqualTo(json("{\"gaveUp\":\"States.HeartbeatTimeout\"}"));
    assertThatThrownBy(() -> sfn.sendTaskSuccess(r -> r.taskToken(token).output("{}"))).isInstanceOf(TaskTimedOutException.class);
    assertThat(callbacks.succeed(token, "{}")).isEqualTo(Completion.ALREADY_FINAL);
  }

  @Test
  void aTaskPastItsTimeoutSecondsRaisesStatesTimeoutWhichTaskFailedDoesNotCatch() throws Exception {
    String queue = newQueue();
    String arn = start("deadline", "{\"queueUrl\":\"" + queue + "\"}");
    String token = awaitTask(queue, arn).path("taskToken").asText();

    DescribeExecutionResponse done = finished(arn);

    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(json(done.output())).isEqualTo(json("{\"tooLate\":\"States.Timeout\"}"));
    assertThatThrownBy(() -> sfn.sendTaskFailure(r -> r.taskToken(token).error("Late"))).isInstanceOf(TaskTimedOutException.class);
  }

  @Test
  void aStateMachineCreatedThroughTheApiRunsAndAnInvalidDefinitionIsRefused() throws Exception {
    String name = "echo-" + UUID.randomUUID();
    String definition = "{\"StartAt\":\"Echo\",\"States\":{\"Echo\":{\"Type\":\"Pass\","
        + "\"Parameters\":{\"said.$\":\"$.say\",\"by.$\":\"$$.StateMachine.Name\",\"in.$\":\"$$.State.Name\"},\"End\":true}}}";
    String arn = sfn.createStateMachine(r -> r.name(name).definition(definition).roleArn("arn:aws:iam::123456789012:role/x")).stateMachineArn();
    assertThat(arn).isEqualTo(stepFunctions.stateMachineArn(name));

    DescribeExecutionResponse done = finished(start(name, "{\"say\":\"hi\"}"));
    assertThat(json(done.output())).isEqualTo(json("{\"said\":\"hi\",\"by\":\"" + name + "\",\"in\":\"Echo\"}"));
    assertThatThrownBy(() -> sfn.createStateMachine(r -> r.name("broken").definition("{\"StartAt\":\"Nowhere\",\"States\":{}}")
            .roleArn("arn:aws:iam::123456789012:role/x")))
        .isInstanceOf(InvalidDefinitionException.class);
  }

  @Test
  void whatTheInterpreterCannotRunIsRefusedAtCreationRatherThanRunWrongly() {
    String jsonata = "{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Output\":\"{% $states.input %}\",\"End\":true}}}";
    String dynamo = "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::dynamodb:putItem\","
        + "\"Parameters\":{\"TableName\":\"t\"},\"End\":true}}}";

    for (String definition : List.of(jsonata, dynamo)) {
      assertThatThrownBy(() -> sfn.createStateMachine(r -> r.name("unsupported").definition(definition).roleArn("arn:aws:iam::123456789012:role/x")))
          .isInstanceOf(InvalidDefinitionException.class)
          .hasMessageContaining("local Step Functions harness cannot run");
    }
  }

  @Test
  void heartbeatsKeepALongTaskAlivePastItsHeartbeatSeconds() throws Exception {
    String arn = start("heartbeat", "{\"job\":\"busy\"}");
    String token = awaitTask(workQueueUrl, arn).path("taskToken").asText();

    long busyUntil = System.nanoTime() + Duration.ofMillis(1_800).toNanos();
    while (System.nanoTime() < busyUntil) {
      assertThat(callbacks.heartbeat(token)).isEqualTo(Completion.DELIVERED);
      Thread.sleep(300);
    }
    assertThat(callbacks.succeed(token, "{\"done\":true}")).isEqualTo(Completion.DELIVERED);

    DescribeExecutionResponse done = finished(arn);
    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(json(done.output())).isEqualTo(json("{\"done\":true}"));
  }

  @Test
  void startExecutionIsIdempotentByNameAsStepFunctionsIs() throws Exception {
    String queue = newQueue();
    String machine = stepFunctions.stateMachineArn("approval");
    String name = WorkflowStarts.executionName("approval", UUID.randomUUID().toString());
    String input = "{\"queueUrl\":\"" + queue + "\",\"order\":9}";

    String first = sfn.startExecution(r -> r.stateMachineArn(machine).name(name).input(input)).executionArn();
    String again = sfn.startExecution(r -> r.stateMachineArn(machine).name(name).input(input)).executionArn();
    assertThat(again).isEqualTo(first);
    assertThatThrownBy(() -> sfn.startExecution(r -> r.stateMachineArn(machine).name(name).input("{\"order\":10}")))
        .isInstanceOf(ExecutionAlreadyExistsException.class);

    callbacks.succeed(awaitTask(queue, first).path("taskToken").asText(), "{}");
    assertThat(finished(first).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThatThrownBy(() -> sfn.startExecution(r -> r.stateMachineArn(machine).name(name).input(input)))
        .as("a closed execution's name is taken, whatever the input")
        .isInstanceOf(ExecutionAlreadyExistsException.class);

    Supplier<SfnClient> client = () -> sfn;
    WorkflowStarts starts = new WorkflowStarts(client, JSON, new CorrelationContext());
    WorkflowStarts.Started repeated = starts.start(machine, name, json(input));
    assertThat(repeated).isEqualTo(new WorkflowStarts.Started(first, true));
    assertThatThrownBy(() -> starts.start(machine, name, json("{\"order\":10}"))).isInstanceOf(PermanentException.class);
    assertThat(sfn.listExecutions(r -> r.stateMachineArn(machine)).executions())
        .filteredOn(e -> e.name().equals(name))
        .hasSize(1);
  }

  @Test
  void aMapStateGivesEachItemItsOwnTaskTokenAndCollectsTheAnswersInOrder() throws Exception {
    String queue = newQueue();
    String arn = start("pricing", "{\"queueUrl\":\"" + queue + "\",\"orderId\":5,\"lines\":[\"apple\",\"pear\",\"plum\"]}");

    List<JsonNode> tasks = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      tasks.add(awaitTask(queue, arn));
    }
    assertThat(tasks).extracting(t -> t.path("taskToken").asText()).doesNotHaveDuplicates();
    assertThat(tasks).extracting(t -> t.path("line").asText()).containsExactlyInAnyOrder("apple", "pear", "plum");
    assertThat(tasks).as("$$.Execution.Input is the execution's, inside an iteration too")
        .extracting(t -> t.path("orderId").asInt()).containsOnly(5);
    for (int i = tasks.size() - 1; i >= 0; i--) {
      JsonNode task = tasks.get(i);
      String answer = "{\"line\":\"" + task.path("line").asText() + "\",\"price\":" + (task.path("index").asInt() + 1) * 10 + "}";
      assertThat(callbacks.succeed(task.path("taskToken").asText(), answer)).isEqualTo(Completion.DELIVERED);
    }

    DescribeExecutionResponse done = finished(arn);
    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(json(done.output())).isEqualTo(json(
        "[{\"line\":\"apple\",\"price\":10},{\"line\":\"pear\",\"price\":20},{\"line\":\"plum\",\"price\":30}]"));
    assertThat(history(arn)).filteredOn(e -> "MapIterationSucceeded".equals(e.typeAsString())).hasSize(3);
  }

  @Test
  void aStoppedExecutionIsAbortedAndItsTokenNoLongerExists() throws Exception {
    String queue = newQueue();
    String arn = start("approval", "{\"queueUrl\":\"" + queue + "\",\"order\":11}");
    String token = awaitTask(queue, arn).path("taskToken").asText();

    sfn.stopExecution(r -> r.executionArn(arn).error("Operator.Cancelled").cause("order withdrawn"));

    DescribeExecutionResponse stopped = finished(arn);
    assertThat(stopped.status()).isEqualTo(ExecutionStatus.ABORTED);
    assertThat(stopped.error()).isEqualTo("Operator.Cancelled");
    assertThat(callbacks.succeed(token, "{}")).isEqualTo(Completion.ALREADY_FINAL);
  }

  // ------------------------------------------------------------------------------------------------ helpers

  private static Path definition(String name) throws URISyntaxException {
    return Path.of(LocalStepFunctionsTest.class.getResource("/statemachine/" + name + ".asl.json").toURI());
  }

  private static String newQueue() {
    return sqs.createQueue(r -> r.queueName("tasks-" + UUID.randomUUID())).queueUrl();
  }

  private static String start(String machine, String input) {
    return sfn.startExecution(r -> r.stateMachineArn(stepFunctions.stateMachineArn(machine)).input(input)).executionArn();
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

  /** The next task message for this execution; messages of other executions (earlier tests) are dropped. */
  private static JsonNode awaitTask(String queueUrl, String executionArn) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      for (Message message : sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(1).waitTimeSeconds(1)).messages()) {
        sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
        JsonNode body = json(message.body());
        if (executionArn.equals(body.path("executionId").asText())) {
          return body;
        }
      }
    }
    throw new AssertionError("no task message for " + executionArn + " on " + queueUrl + " within " + DEADLINE);
  }

  private static List<HistoryEvent> history(String executionArn) {
    return sfn.getExecutionHistory(r -> r.executionArn(executionArn)).events();
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  /** Fails {@code failTimes} times with a transient error, or always with a permanent one, then reserves. */
  private static RequestStreamHandler reserve() {
    return (in, out, context) -> {
      JsonNode request = JSON.readTree(in);
      String key = request.path("key").asText();
      int attempt = RESERVE_ATTEMPTS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
      if (request.path("permanent").asBoolean()) {
        throw new PermanentException("no stock for " + key);
      }
      if (attempt <= request.path("failTimes").asInt()) {
        throw new TransientException("stock service busy, attempt " + attempt);
      }
      ObjectNode reserved = JSON.createObjectNode().put("key", key).put("attempt", attempt);
      out.write(JSON.writeValueAsBytes(reserved));
    };
  }

  /** Approves at once, answering the task token it was given as the suite's functions do. */
  private static RequestStreamHandler approver() {
    return (in, out, context) -> {
      JsonNode request = JSON.readTree(in);
      String answer = JSON.createObjectNode()
          .put("approvedBy", context.getFunctionName())
          .put("order", request.path("input").path("order").asInt())
          .toString();
      callbacks.succeed(request.path("taskToken").asText(), answer);
    };
  }

  /** Undoes a reservation the Catch routed here, echoing the caught error. */
  private static RequestStreamHandler compensate() {
    return (in, out, context) -> {
      JsonNode request = JSON.readTree(in);
      ObjectNode result = JSON.createObjectNode()
          .put("compensated", request.path("key").asText())
          .put("error", request.path("failure").path("Error").asText())
          .put("cause", request.path("failure").path("Cause").asText());
      out.write(result.toString().getBytes(StandardCharsets.UTF_8));
    };
  }
}
