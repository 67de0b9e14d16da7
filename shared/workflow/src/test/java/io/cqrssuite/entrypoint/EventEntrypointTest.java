package io.cqrssuite.entrypoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.bus.BatchProcessor;
import io.cqrssuite.bus.EventBus;
import io.cqrssuite.bus.EventHandler;
import io.cqrssuite.bus.NoHandlerException;
import io.cqrssuite.bus.RecordResult;
import io.cqrssuite.bus.UnhandledEvents;
import io.cqrssuite.deadletter.DeadLetterEnvelope;
import io.cqrssuite.deadletter.DeadLetterSink;
import io.cqrssuite.event.DataChangeEvent;
import io.cqrssuite.event.DomainEvent;
import io.cqrssuite.event.EventBridgeEvent;
import io.cqrssuite.event.EventSource;
import io.cqrssuite.event.InvalidEventException;
import io.cqrssuite.event.S3ObjectEvent;
import io.cqrssuite.event.SnsMessageEvent;
import io.cqrssuite.event.SqsMessageEvent;
import io.cqrssuite.event.TaskEvent;
import io.cqrssuite.factory.DefaultEventFactory;
import io.cqrssuite.factory.EventDecoder;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.failure.PermanentException;
import io.cqrssuite.failure.TransientException;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.testing.aws.FakeStepFunctions;
import io.cqrssuite.testing.aws.FakeStepFunctions.Call;
import io.cqrssuite.testing.aws.FakeStepFunctions.Reply;
import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.fixtures.TestHandler;
import io.cqrssuite.workflow.StepFunctionsTaskCallbacks;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.SfnException;

class EventEntrypointTest {
  private static final String TOKEN_PREFIX = "AQCEAAAAKgAAAAMAAAAAAAAAAjsbZcQ8GwVI7Axsn";
  // sqs/standard-batch.json
  private static final String STD_1 = "04d332cb-e7df-4ddb-9cfe-3d1286abfdd2";
  private static final String STD_2 = "664b366e-a514-4407-b17c-641b8955b44e";
  private static final String STD_3 = "a386bc2f-94b4-431f-ae7e-50344ef58e58";
  // sqs/fifo-batch.json
  private static final String A1 = "7c0eca6a-e404-4952-a9bb-09aa3c1a379f";
  private static final String A2 = "d9219eaa-8f29-4b3e-90da-9eed20dc141f";
  private static final String SQS_TASK = "fa1e7141-139e-49cd-a13a-ff5ac61c876c";

  private static final String[] CREDENTIAL_PROPERTIES = {"aws.accessKeyId", "aws.secretAccessKey"};
  private static final Map<String, String> savedProperties = new LinkedHashMap<>();
  private static FakeStepFunctions stepFunctions;
  private static SfnClient sfn;
  private static SfnClient sfnSingleAttempt;

  private final ObjectMapper mapper = EventJson.newMapper();
  private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
  private final StructuredLog log =
      new StructuredLog("entrypoint-test", new PrintStream(logBytes, true, StandardCharsets.UTF_8), StructuredLog.Level.DEBUG);
  private final AtomicInteger callbacksRequested = new AtomicInteger();

  @BeforeAll
  static void startStepFunctions() {
    for (String name : CREDENTIAL_PROPERTIES) {
      savedProperties.put(name, System.getProperty(name));
      System.setProperty(name, "test");
    }
    stepFunctions = FakeStepFunctions.start();
    sfn = clientFor(Map.of());
    sfnSingleAttempt = clientFor(Map.of("SUITE_AWS_MAX_ATTEMPTS", "1"));
  }

  /** The task callbacks' client, as WorkflowModule builds it: nothing else retries a callback, so the SDK does. */
  private static SfnClient clientFor(Map<String, String> extra) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_ENDPOINT_URL_SFN", "http://127.0.0.1:" + stepFunctions.port());
    env.putAll(extra);
    return new AwsClients(AwsSettings.fromEnvironment(env)).configureWithSdkRetries(SfnClient.builder(), "SFN").build();
  }

  @AfterAll
  static void stopStepFunctions() {
    if (sfn != null) {
      sfn.close();
    }
    if (sfnSingleAttempt != null) {
      sfnSingleAttempt.close();
    }
    if (stepFunctions != null) {
      stepFunctions.close();
    }
    savedProperties.forEach(
        (name, value) -> {
          if (value == null) {
            System.clearProperty(name);
          } else {
            System.setProperty(name, value);
          }
        });
  }

  @BeforeEach
  void resetServer() {
    stepFunctions.reset();
  }

  // ---- wiring -------------------------------------------------------------------------------------------------

  private EventEntrypoint entrypoint(SfnClient client, EventHandler<?>... handlers) {
    Set<EventHandler<?>> set = new LinkedHashSet<>(List.of(handlers));
    EventDecoder decoder = new EventDecoder(mapper, new DefaultEventFactory());
    StepFunctionsTaskCallbacks taskCallbacks = new StepFunctionsTaskCallbacks(client, log);
    return EventEntrypoint.builder(
            mapper,
            decoder,
            BatchProcessor.builder(new EventBus(set, UnhandledEvents.FAIL)).build())
        .taskCallbacks(() -> {
          callbacksRequested.incrementAndGet();
          return taskCallbacks;
        })
        .log(log)
        .build();
  }

  private InvocationOutcome invoke(String sample, EventHandler<?>... handlers) {
    return entrypoint(sfn, handlers).handle(SampleEvents.stream(sample));
  }

  private InvocationOutcome invoke(InputStream event, EventHandler<?>... handlers) {
    return entrypoint(sfn, handlers).handle(event);
  }

  private static JsonNode batchItemFailures(String... ids) {
    ObjectNode response = EventJson.newMapper().createObjectNode();
    var items = response.putArray("batchItemFailures");
    for (String id : ids) {
      items.addObject().put("itemIdentifier", id);
    }
    return response;
  }

  private List<JsonNode> logLines() throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : logBytes.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        lines.add(mapper.readTree(line));
      }
    }
    return lines;
  }

  private static <E extends DomainEvent> TestHandler<E> failing(String name, Class<E> type, RuntimeException error) {
    return TestHandler.of(name, type, e -> {
      throw error;
    });
  }

  private static TestHandler<SqsMessageEvent> sqsFailingFor(String... messageIds) {
    Set<String> ids = Set.of(messageIds);
    return TestHandler.of(
        "orders",
        SqsMessageEvent.class,
        e -> {
          if (ids.contains(e.messageId())) {
            throw new IllegalStateException("order service unavailable for " + e.messageId());
          }
          return null;
        });
  }

  private Call onlyCall() {
    assertThat(stepFunctions.calls()).hasSize(1);
    return stepFunctions.calls().get(0);
  }

  private JsonNode causeOf(Call call) throws Exception {
    return mapper.readTree(call.body().get("cause").textValue());
  }

  // ---- SQS ----------------------------------------------------------------------------------------------------

  @Test
  void aFifoTaskHeldBackBehindItsGroupsFailureIsRedeliveredNotAnswered() throws Exception {
    ObjectNode event = SampleEvents.tree("sqs/fifo-batch.json");
    String task = SampleEvents.tree("stepfunctions/task-with-token.json").toString();
    ((ObjectNode) event.at("/Records/1")).put("body", task);

    InvocationOutcome outcome =
        invoke(SampleEvents.stream(event), sqsFailingFor(A1), TestHandler.ok("chunk", TaskEvent.class));

    assertThat(outcome.response()).isEqualTo(batchItemFailures(A1, A2));
    assertThat(stepFunctions.calls()).as("the held-back task is answered when it is redelivered, in order").isEmpty();
    assertThat(outcome.batch().records().get(1).status()).isEqualTo(RecordResult.Status.NOT_ATTEMPTED);
  }

  @Test
  void aTaskWhoseHandlerFailedIsLoggedEvenThoughStepFunctionsGetsTheFailure() throws Exception {
    invoke("stepfunctions/task-with-token.json", failing("chunk", TaskEvent.class, new PermanentException("bad chunk")));

    assertThat(onlyCall().action()).isEqualTo("SendTaskFailure");
    assertThat(logLines())
        .anySatisfy(line -> assertThat(line.path("reason").asText()).contains("bad chunk"));
  }


  @Test
  void sqsReportsOnlyTheFailedMessageIds() throws Exception {
    InvocationOutcome outcome = invoke("sqs/standard-batch.json", sqsFailingFor(STD_2));

    assertThat(outcome.error()).isNull();
    assertThat(outcome.failed()).isFalse();
    assertThat(outcome.source()).isEqualTo(EventSource.SQS);
    assertThat(outcome.response()).isEqualTo(batchItemFailures(STD_2));
    assertThat(mapper.writeValueAsString(outcome.response()))
        .isEqualTo("{\"batchItemFailures\":[{\"itemIdentifier\":\"" + STD_2 + "\"}]}");
    assertThat(callbacksRequested).as("no task, no Step Functions client").hasValue(0);
  }

  @Test
  void sqsWithEveryRecordOkReportsAnEmptyList() throws Exception {
    InvocationOutcome outcome = invoke("sqs/standard-batch.json", TestHandler.ok("orders", SqsMessageEvent.class));

    assertThat(outcome.error()).isNull();
    assertThat(mapper.writeValueAsString(outcome.response())).isEqualTo("{\"batchItemFailures\":[]}");
    assertThat(outcome.batch().allSucceeded()).isTrue();
    assertThat(logLines()).isEmpty();
  }

  @Test
  void sqsFifoReportsTheFailedMessageAndTheRestOfItsGroup() {
    InvocationOutcome outcome = invoke("sqs/fifo-batch.json", sqsFailingFor(A1));

    assertThat(outcome.response()).isEqualTo(batchItemFailures(A1, A2));
  }

  @Test
  void sqsBadRecordIsReportedWhileItsNeighboursSucceed() {
    TestHandler<SqsMessageEvent> parser =
        TestHandler.of(
            "orders",
            SqsMessageEvent.class,
            e -> {
              try {
                return mapper.readTree(e.body()).get("orderId").textValue();
              } catch (com.fasterxml.jackson.core.JsonProcessingException bad) {
                throw new InvalidEventException("body", "malformed JSON", bad);
              }
            });

    InvocationOutcome outcome = invoke("bad/sqs-mixed-bad-record.json", parser);

    assertThat(outcome.response()).isEqualTo(batchItemFailures("cb8f3b8b-4386-40c0-afd5-2e38d70a699d"));
    assertThat(outcome.error()).isNull();
  }

  @Test
  void failedRecordIsLoggedAsOneStructuredJsonLine() throws Exception {
    invoke("sqs/standard-batch.json", sqsFailingFor(STD_3));

    List<JsonNode> lines = logLines();
    assertThat(lines).hasSize(1);
    JsonNode line = lines.get(0);
    assertThat(line.get("level").textValue()).isEqualTo("WARN");
    assertThat(line.get("message").textValue()).isEqualTo("record failed");
    assertThat(line.get("service").textValue()).isEqualTo("entrypoint-test");
    assertThat(Instant.parse(line.get("timestamp").textValue())).isBeforeOrEqualTo(Instant.now());
    assertThat(line.get("itemIdentifier").textValue()).isEqualTo(STD_3);
    assertThat(line.get("recordIndex").intValue()).isEqualTo(2);
    assertThat(line.get("source").textValue()).isEqualTo("SQS");
    assertThat(line.get("status").textValue()).isEqualTo("FAILED");
    assertThat(line.get("failureKind").textValue()).isEqualTo("TRANSIENT");
    // The handler's exception is not the suite's: its message may quote the record, so the log names its type only.
    assertThat(line.get("reason").textValue()).startsWith(IllegalStateException.class.getSimpleName()).contains("withheld")
        .doesNotContain("order service unavailable");
  }

  // ---- DynamoDB streams ---------------------------------------------------------------------------------------

  @Test
  void dynamodbReportsExactlyTheLowestFailedSequenceNumber() {
    Set<String> failing = Set.of("4421584500000000017464292370", "4421584500000000017470002018");
    TestHandler<DataChangeEvent> sync =
        TestHandler.of(
            "sync",
            DataChangeEvent.class,
            e -> {
              if (failing.contains(e.sequenceNumber())) {
                throw new IllegalStateException("read model unavailable");
              }
              return null;
            });

    InvocationOutcome outcome = invoke("dynamodb/product-command-changes.json", sync);

    assertThat(outcome.response()).isEqualTo(batchItemFailures("4421584500000000017464292370"));
    assertThat(outcome.error()).isNull();
    assertThat(outcome.batch().failed()).hasSize(3);
  }

  @Test
  void dynamodbWithEveryRecordOkReportsAnEmptyList() {
    InvocationOutcome outcome = invoke("dynamodb/product-data-changes.json", TestHandler.ok("sync", DataChangeEvent.class));

    assertThat(outcome.response()).isEqualTo(batchItemFailures());
    assertThat(outcome.error()).isNull();
  }

  // ---- asynchronous sources -----------------------------------------------------------------------------------

  @Test
  void s3FailureFailsTheInvocationWithDeliveryFailed() {
    IllegalStateException boom = new IllegalStateException("import store down");
    TestHandler<S3ObjectEvent> importer =
        TestHandler.of(
            "import",
            S3ObjectEvent.class,
            e -> {
              if (e.key().startsWith("uploads/")) {
                throw boom;
              }
              return null;
            });

    InvocationOutcome outcome = invoke("s3/object-created-batch.json", importer);

    assertThat(outcome.failed()).isTrue();
    assertThat(outcome.error()).isInstanceOf(DeliveryFailedException.class).hasMessageContaining("1 of 3")
        .hasMessageContaining(IllegalStateException.class.getName()).hasMessageNotContaining("import store down");
    // Lambda writes an error's causes into its log and on-failure record: the failure lends its stack trace only.
    assertThat(outcome.error().getCause()).isNull();
    assertThat(outcome.error().getStackTrace()).isEqualTo(boom.getStackTrace());
    assertThat(outcome.response()).isNull();
    assertThat(importer.seen()).hasSize(3);
  }

  @Test
  void snsFailureFailsTheInvocationWithDeliveryFailed() {
    InvocationOutcome outcome =
        invoke("sns/notification.json", failing("notify", SnsMessageEvent.class, new PermanentException("bad order")));

    // The suite's own failure is shown with its message, which the suite built.
    assertThat(outcome.error()).isInstanceOf(DeliveryFailedException.class).hasMessageContaining(PermanentException.class.getName() + ": bad order");
    assertThat(outcome.error().getCause()).isNull();
    assertThat(outcome.response()).isNull();
  }

  @Test
  void eventBridgeFailureFailsTheInvocationWithDeliveryFailed() {
    InvocationOutcome outcome =
        invoke("eventbridge/custom.json", failing("ship", EventBridgeEvent.class, new IllegalStateException("x")));

    assertThat(outcome.error()).isInstanceOf(DeliveryFailedException.class);
    assertThat(outcome.source()).isEqualTo(EventSource.EVENT_BRIDGE);
  }

  @Test
  void asynchronousSuccessReturnsNothingAndNoError() {
    for (String sample :
        List.of("s3/object-created-batch.json", "sns/notification.json", "eventbridge/scheduled.json", "eventbridge/s3-object-created.json")) {
      InvocationOutcome outcome = invoke(sample, TestHandler.ok("any", DomainEvent.class));

      assertThat(outcome.error()).as(sample).isNull();
      assertThat(outcome.response()).as(sample).isNull();
      assertThat(outcome.batch().allSucceeded()).as(sample).isTrue();
    }
  }

  @Test
  void asynchronousEventWithoutHandlerIsNotAcknowledgedSilently() {
    InvocationOutcome outcome = invoke("eventbridge/scheduled.json", TestHandler.ok("s3", S3ObjectEvent.class));

    assertThat(outcome.error()).isInstanceOf(DeliveryFailedException.class).hasMessageContaining(NoHandlerException.class.getName());
  }

  // ---- whole-document failures --------------------------------------------------------------------------------

  @Test
  void unknownSourceEndsWithInvalidEventAndNoBatch() throws Exception {
    InvocationOutcome outcome = invoke("bad/unknown-source.json", TestHandler.ok("any", DomainEvent.class));

    assertThat(outcome.error()).isInstanceOf(InvalidEventException.class).hasMessageContaining("unknown event source");
    assertThat(outcome.batch()).isNull();
    assertThat(outcome.source()).isNull();
    assertThat(outcome.response()).isNull();
    List<JsonNode> lines = logLines();
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0).get("level").textValue()).isEqualTo("ERROR");
    assertThat(lines.get(0).get("message").textValue()).isEqualTo("event rejected as a whole");
    assertThat(lines.get(0).get("errorType").textValue()).isEqualTo("InvalidEventException");
    assertThat(lines.get(0).has("service")).isTrue();
    assertThat(lines.get(0).has("timestamp")).isTrue();
  }

  @Test
  void truncatedJsonEndsWithInvalidEvent() {
    InvocationOutcome outcome = invoke("bad/truncated.json", TestHandler.ok("any", DomainEvent.class));

    assertThat(outcome.error()).isInstanceOf(InvalidEventException.class).hasMessageContaining("malformed JSON");
    assertThat(outcome.batch()).isNull();
  }

  // ---- Step Functions with a task token -----------------------------------------------------------------------

  @Test
  void taskSuccessIsSentWithTheHandlersResultAsOutput() throws Exception {
    ObjectNode result = mapper.createObjectNode();
    result.put("imported", 500);
    result.putArray("errors").add("line 17: bad price");
    TestHandler<TaskEvent> chunk = TestHandler.of("chunk", TaskEvent.class, e -> result);

    InvocationOutcome outcome = invoke("stepfunctions/task-with-token.json", chunk);

    Call call = onlyCall();
    assertThat(call.target()).isEqualTo("AWSStepFunctions.SendTaskSuccess");
    assertThat(call.body().get("taskToken").textValue()).startsWith(TOKEN_PREFIX).endsWith("StZ7G2K");
    assertThat(mapper.readTree(call.body().get("output").textValue())).isEqualTo(result);
    assertThat(outcome.response()).isNull();
    assertThat(outcome.error()).isNull();
    assertThat(outcome.source()).isEqualTo(EventSource.STEP_FUNCTIONS);
  }

  @Test
  void aTaskThatCarriesHeartbeatSecondsBeatsOnReceiptThenAnswers() throws Exception {
    ObjectNode event = (ObjectNode) mapper.readTree(SampleEvents.stream("stepfunctions/task-with-token.json"));
    ((ObjectNode) event.path("input")).put("heartbeatSeconds", 60);
    List<String> seenByHandler = new ArrayList<>();
    TestHandler<TaskEvent> chunk = TestHandler.of("chunk", TaskEvent.class, e -> {
      stepFunctions.calls().forEach(c -> seenByHandler.add(c.target()));
      return Map.of("ok", 1);
    });

    invoke(new java.io.ByteArrayInputStream(mapper.writeValueAsBytes(event)), chunk);

    // The state's heartbeat clock started when the task was sent (over SQS, while it waited in the queue).
    assertThat(seenByHandler).as("before the handler ran").containsExactly("AWSStepFunctions.SendTaskHeartbeat");
    assertThat(stepFunctions.calls()).extracting(Call::target)
        .containsExactly("AWSStepFunctions.SendTaskHeartbeat", "AWSStepFunctions.SendTaskSuccess");
  }

  @Test
  void aTaskWithoutHeartbeatSecondsSendsNoHeartbeat() throws Exception {
    invoke("stepfunctions/task-with-token.json", TestHandler.ok("chunk", TaskEvent.class));

    assertThat(stepFunctions.calls()).extracting(Call::target).containsExactly("AWSStepFunctions.SendTaskSuccess");
  }

  @Test
  void taskResultsOfSeveralHandlersAreKeyedByHandlerName() throws Exception {
    TestHandler<TaskEvent> first = TestHandler.of("first", TaskEvent.class, e -> Map.of("n", 1));
    TestHandler<TaskEvent> second = TestHandler.of("second", TaskEvent.class, e -> "two");
    TestHandler<TaskEvent> silent = TestHandler.of("silent", TaskEvent.class, e -> null);

    invoke("stepfunctions/task-with-token.json", first, second, silent);

    assertThat(mapper.readTree(onlyCall().body().get("output").textValue()))
        .isEqualTo(mapper.readTree("{\"first\":{\"n\":1},\"second\":\"two\"}"));
  }

  @Test
  void taskWithoutResultSendsAnEmptyObject() throws Exception {
    invoke("stepfunctions/task-with-token.json", TestHandler.ok("chunk", TaskEvent.class));

    assertThat(onlyCall().body().get("output").textValue()).isEqualTo("{}");
  }

  @Test
  void permanentTaskFailureIsSentAsANonRetryableError() throws Exception {
    InvocationOutcome outcome =
        invoke(
            "stepfunctions/task-with-token.json",
            failing("chunk", TaskEvent.class, new PermanentException("line 2: unknown tenant 'acme2'")));

    Call call = onlyCall();
    assertThat(call.target()).isEqualTo("AWSStepFunctions.SendTaskFailure");
    assertThat(call.body().get("taskToken").textValue()).startsWith(TOKEN_PREFIX);
    assertThat(call.body().get("error").textValue()).isEqualTo("CqrsSuite.PermanentError");
    JsonNode cause = causeOf(call);
    assertThat(cause.get("errorType").textValue()).isEqualTo(PermanentException.class.getName());
    assertThat(cause.get("errorMessage").textValue()).isEqualTo("line 2: unknown tenant 'acme2'");
    assertThat(outcome.error()).as("the workflow has the answer; the invocation itself succeeds").isNull();
    assertThat(outcome.response()).isNull();
  }

  @Test
  void transientTaskFailureIsSentAsARetryableError() throws Exception {
    invoke("stepfunctions/task-with-token.json", failing("chunk", TaskEvent.class, new IllegalStateException("throttled")));

    Call call = onlyCall();
    assertThat(call.target()).isEqualTo("AWSStepFunctions.SendTaskFailure");
    assertThat(call.body().get("error").textValue()).isEqualTo("CqrsSuite.TransientError");
    assertThat(causeOf(call).get("errorType").textValue()).isEqualTo(IllegalStateException.class.getName());
    // Not the suite's exception: its message is withheld from the cause, which Step Functions keeps in its history.
    assertThat(causeOf(call).get("errorMessage").textValue()).contains("withheld").doesNotContain("throttled");
  }

  @Test
  void longErrorMessageIsShortenedButTheCauseStaysJsonWithinTheLimit() throws Exception {
    // A validation error listing every bad line of a chunk easily exceeds SendTaskFailure's 32,768-character cause.
    String message = "line 2: bad price; ".repeat(3000);

    invoke("stepfunctions/task-with-token.json", failing("chunk", TaskEvent.class, new PermanentException(message)));

    Call call = onlyCall();
    String cause = call.body().get("cause").textValue();
    assertThat(cause.length()).isLessThanOrEqualTo(32_768).as("as much of the message as fits").isGreaterThan(32_768 - 32);
    JsonNode parsed = mapper.readTree(cause); // a Catch may parse it with States.StringToJson
    assertThat(parsed.get("errorType").textValue()).isEqualTo(PermanentException.class.getName());
    assertThat(parsed.get("errorMessage").textValue()).startsWith("line 2: bad price; line 2: bad price;");
    assertThat(call.body().get("error").textValue()).isEqualTo("CqrsSuite.PermanentError");
  }

  @Test
  void causeStaysWithinTheLimitWhenEscapingExpandsTheMessage() throws Exception {
    // Quotes double and control characters grow sixfold when written as JSON.
    String message = "\"\u0001".repeat(12_000);

    invoke("stepfunctions/task-with-token.json", failing("chunk", TaskEvent.class, new TransientException(message)));

    String cause = onlyCall().body().get("cause").textValue();
    assertThat(cause.length()).isLessThanOrEqualTo(32_768).as("as much of the message as fits").isGreaterThan(32_768 - 16);
    assertThat(mapper.readTree(cause).get("errorMessage").textValue()).startsWith("\"\u0001\"\u0001").endsWith("...");
  }

  @Test
  void shortCauseIsSentUnchanged() throws Exception {
    invoke("stepfunctions/task-with-token.json", failing("chunk", TaskEvent.class, new TransientException("short")));

    assertThat(onlyCall().body().get("cause").textValue())
        .isEqualTo("{\"errorType\":\"io.cqrssuite.failure.TransientException\",\"errorMessage\":\"short\"}");
  }

  @Test
  void taskWithoutHandlerFailsPermanentlyThroughItsToken() throws Exception {
    invoke("stepfunctions/task-with-token.json", TestHandler.ok("s3", S3ObjectEvent.class));

    Call call = onlyCall();
    assertThat(call.body().get("error").textValue()).isEqualTo("CqrsSuite.PermanentError");
    assertThat(causeOf(call).get("errorType").textValue()).isEqualTo(NoHandlerException.class.getName());
  }

  @Test
  void unparseableTaskWithATokenStillGetsItsFailureReported() throws Exception {
    ObjectNode task = SampleEvents.tree("stepfunctions/task-with-token.json");
    task.remove("state");

    InvocationOutcome outcome = invoke(SampleEvents.stream(task), TestHandler.ok("chunk", TaskEvent.class));

    Call call = onlyCall();
    assertThat(call.target()).isEqualTo("AWSStepFunctions.SendTaskFailure");
    assertThat(call.body().get("error").textValue()).isEqualTo("CqrsSuite.PermanentError");
    assertThat(causeOf(call).get("errorType").textValue()).isEqualTo(InvalidEventException.class.getName());
    assertThat(outcome.error()).isNull();
  }

  @Test
  void taskTimedOutOnCallbackIsFinalAndCountsAsDone() throws Exception {
    stepFunctions.reply(Reply.TASK_TIMED_OUT);

    InvocationOutcome outcome = invoke("stepfunctions/task-with-token.json", TestHandler.of("chunk", TaskEvent.class, e -> 1));

    assertThat(onlyCall().target()).as("a final answer is not retried").isEqualTo("AWSStepFunctions.SendTaskSuccess");
    assertThat(outcome.error()).isNull();
    assertThat(outcome.response()).isNull();
    List<JsonNode> warnings = logLines().stream().filter(l -> "WARN".equals(l.path("level").textValue())).toList();
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0).get("message").textValue()).isEqualTo("task callback refused as final; not retried");
    assertThat(warnings.get(0).get("errorCode").textValue()).isEqualTo("TaskTimedOut");
    assertThat(warnings.get(0).get("action").textValue()).isEqualTo("SendTaskSuccess");
    assertThat(warnings.get(0).get("tokenSuffix").textValue()).isEqualTo("...EyGxCStZ7G2K");
  }

  @Test
  void taskTimedOutOnAnSqsTaskAcknowledgesTheMessage() {
    stepFunctions.reply(Reply.TASK_TIMED_OUT);

    InvocationOutcome outcome = invoke("sqs/task-token.json", failing("chunk", TaskEvent.class, new IllegalStateException("x")));

    assertThat(onlyCall().target()).isEqualTo("AWSStepFunctions.SendTaskFailure");
    assertThat(outcome.response()).isEqualTo(batchItemFailures());
  }

  @Test
  void callbackServerErrorFailsTheInvocation() {
    stepFunctions.reply(Reply.SERVER_ERROR);

    InvocationOutcome outcome =
        entrypoint(sfnSingleAttempt, TestHandler.of("chunk", TaskEvent.class, e -> 1))
            .handle(SampleEvents.stream("stepfunctions/task-with-token.json"));

    assertThat(outcome.error()).isInstanceOf(SdkException.class);
    assertThat(outcome.error()).isInstanceOf(SfnException.class);
    assertThat(((SfnException) outcome.error()).statusCode()).isEqualTo(500);
    assertThat(stepFunctions.calls()).as("SUITE_AWS_MAX_ATTEMPTS=1: one attempt").hasSize(1);
  }

  @Test
  void callbackServerErrorIsRetriedByTheSdkUpToItsConfiguredAttempts() {
    stepFunctions.reply(Reply.SERVER_ERROR);

    InvocationOutcome outcome = invoke("stepfunctions/task-with-token.json", TestHandler.of("chunk", TaskEvent.class, e -> 1));

    assertThat(outcome.error()).isInstanceOf(SfnException.class);
    assertThat(stepFunctions.calls()).as("SUITE_AWS_MAX_ATTEMPTS defaults to 3").hasSize(3);
    assertThat(stepFunctions.calls()).extracting(Call::action).containsOnly("SendTaskSuccess");
  }

  @Test
  void callbackServerErrorOnAnSqsTaskReportsTheMessage() {
    stepFunctions.reply(Reply.SERVER_ERROR);

    InvocationOutcome outcome =
        entrypoint(sfnSingleAttempt, TestHandler.of("chunk", TaskEvent.class, e -> 1))
            .handle(SampleEvents.stream("sqs/task-token.json"));

    assertThat(outcome.response()).isEqualTo(batchItemFailures(SQS_TASK));
    assertThat(outcome.error()).isNull();
  }

  @Test
  void taskOverSqsIsAnsweredAndTheMessageAcknowledged() throws Exception {
    TestHandler<TaskEvent> chunk = TestHandler.of("chunk", TaskEvent.class, e -> Map.of("lines", e.input().at("/plan/rows").intValue()));

    InvocationOutcome outcome = invoke("sqs/task-token.json", chunk);

    Call call = onlyCall();
    assertThat(call.target()).isEqualTo("AWSStepFunctions.SendTaskSuccess");
    assertThat(call.body().get("taskToken").textValue()).startsWith(TOKEN_PREFIX);
    assertThat(call.body().get("output").textValue()).isEqualTo("{\"lines\":500}");
    assertThat(outcome.response()).isEqualTo(batchItemFailures());
    assertThat(outcome.source()).isEqualTo(EventSource.SQS);
  }

  @Test
  void failedTaskOverSqsIsAnsweredAndTheMessageNotRedelivered() {
    InvocationOutcome outcome =
        invoke("sqs/task-token.json", failing("chunk", TaskEvent.class, new PermanentException("bad chunk")));

    assertThat(onlyCall().body().get("error").textValue()).isEqualTo("CqrsSuite.PermanentError");
    assertThat(outcome.response()).isEqualTo(batchItemFailures());
  }

  @Test
  void outputAbove256KiBIsSentAsOutputTooLarge() throws Exception {
    String big = "x".repeat(256 * 1024 + 1);

    InvocationOutcome outcome = invoke("stepfunctions/task-with-token.json", TestHandler.of("chunk", TaskEvent.class, e -> big));

    Call call = onlyCall();
    assertThat(call.target()).isEqualTo("AWSStepFunctions.SendTaskFailure");
    assertThat(call.body().get("error").textValue()).isEqualTo("CqrsSuite.OutputTooLarge");
    assertThat(call.body().get("cause").textValue()).contains("exceeds");
    assertThat(outcome.error()).isNull();
  }

  @Test
  void outputJustWithin256KiBIsSentAsSuccess() {
    String fits = "x".repeat(256 * 1024 - 2); // plus two quotes: exactly 256 KiB of JSON

    invoke("stepfunctions/task-with-token.json", TestHandler.of("chunk", TaskEvent.class, e -> fits));

    Call call = onlyCall();
    assertThat(call.target()).isEqualTo("AWSStepFunctions.SendTaskSuccess");
    assertThat(call.body().get("output").textValue()).hasSize(256 * 1024);
  }

  // ---- a task over SQS whose body the function cannot use (issue 12, point 7) ---------------------------------

  /** An SQS batch of the task sample's record, once per body, with message ids {@code bad-0}, {@code bad-1}, ... */
  private static ObjectNode sqsTasks(String... bodies) {
    ObjectNode event = SampleEvents.tree("sqs/task-token.json");
    ObjectNode template = (ObjectNode) event.at("/Records/0");
    var records = event.putArray("Records");
    for (int i = 0; i < bodies.length; i++) {
      records.add(template.deepCopy().put("messageId", "bad-" + i).put("body", bodies[i]));
    }
    return event;
  }

  private static String taskBody() {
    return SampleEvents.tree("sqs/task-token.json").at("/Records/0/body").textValue();
  }

  private static String sampleToken() throws Exception {
    return EventJson.newMapper().readTree(taskBody()).get("taskToken").textValue();
  }

  /** The cause names the message and the body's length, and quotes nothing the body holds. */
  private void assertCauseQuotesNoRecordValue(Call call, String messageId, String body) throws Exception {
    String cause = call.body().get("cause").textValue();
    JsonNode parsed = causeOf(call);
    assertThat(parsed.get("errorMessage").textValue()).contains(messageId).contains(String.valueOf(body.length()));
    assertThat(cause)
        .doesNotContain(sampleToken().substring(0, 16))
        .doesNotContain("imp-2026-11-25-abc")
        .doesNotContain("Summarize")
        .doesNotContain("CSV_IMPORT_SUMMARY")
        .doesNotContain("catalog-imports");
  }

  @Test
  void anSqsTaskWhosePayloadIsRejectedIsFailedAtOnceAndTheMessageStillReported() throws Exception {
    ObjectNode payload = (ObjectNode) mapper.readTree(taskBody());
    payload.remove("state"); // valid JSON, but not a task payload: executionId without state
    String body = payload.toString();

    InvocationOutcome outcome = invoke(SampleEvents.stream(sqsTasks(body)), TestHandler.ok("chunk", TaskEvent.class));

    Call call = onlyCall();
    assertThat(call.target()).isEqualTo("AWSStepFunctions.SendTaskFailure");
    assertThat(call.body().get("taskToken").textValue()).isEqualTo(sampleToken());
    assertThat(call.body().get("error").textValue()).as("Catch, not Retry").isEqualTo("CqrsSuite.PermanentError");
    assertThat(causeOf(call).get("errorType").textValue()).isEqualTo(InvalidEventException.class.getName());
    assertCauseQuotesNoRecordValue(call, "bad-0", body);
    assertThat(outcome.response()).as("reported like any rejected record").isEqualTo(batchItemFailures("bad-0"));
  }

  @Test
  void anSqsTaskWithMalformedJsonIsFailedAtOnceThroughTheTokenItStillNames() throws Exception {
    String token = sampleToken();
    String truncated = taskBody().substring(0, taskBody().indexOf("\"input\"") + 12); // broken after the token
    String brokenBefore = "{\"input\": {\"plan\": oops}, \"taskToken\" : \"" + token + "\", \"executionId\": \"x\"}";

    InvocationOutcome outcome =
        invoke(SampleEvents.stream(sqsTasks(truncated, brokenBefore)), TestHandler.ok("chunk", TaskEvent.class));

    assertThat(stepFunctions.calls()).hasSize(2);
    for (int i = 0; i < 2; i++) {
      Call call = stepFunctions.calls().get(i);
      assertThat(call.target()).isEqualTo("AWSStepFunctions.SendTaskFailure");
      assertThat(call.body().get("taskToken").textValue()).isEqualTo(token);
      assertThat(call.body().get("error").textValue()).isEqualTo("CqrsSuite.PermanentError");
      assertCauseQuotesNoRecordValue(call, "bad-" + i, i == 0 ? truncated : brokenBefore);
    }
    assertThat(outcome.response()).isEqualTo(batchItemFailures("bad-0", "bad-1"));
  }

  @Test
  void aRejectedSqsTaskIsDeadLetteredAndItsTaskFailedAtOnce() throws Exception {
    List<String> enveloped = new ArrayList<>();
    DeadLetterSink deadLetters =
        new DeadLetterSink() {
          @Override
          public boolean configured() {
            return true;
          }

          @Override
          public List<Write> write(List<DeadLetterEnvelope> envelopes) {
            envelopes.forEach(e -> enveloped.add(e.itemIdentifier()));
            return envelopes.stream().map(e -> new Write(e, null)).toList();
          }
        };
    EventDecoder decoder = new EventDecoder(mapper, new DefaultEventFactory());
    StepFunctionsTaskCallbacks callbacks = new StepFunctionsTaskCallbacks(sfn, log);
    EventEntrypoint entrypoint =
        EventEntrypoint.builder(
                mapper, decoder, BatchProcessor.builder(new EventBus(Set.of(TestHandler.ok("chunk", TaskEvent.class)), UnhandledEvents.FAIL)).build())
            .taskCallbacks(() -> callbacks)
            .deadLetters(deadLetters)
            .log(log)
            .build();

    InvocationOutcome outcome = entrypoint.handle(SampleEvents.stream(sqsTasks(taskBody().substring(0, 900))));

    assertThat(enveloped).as("the record is kept where rejected records go").containsExactly("bad-0");
    assertThat(onlyCall().body().get("error").textValue()).isEqualTo("CqrsSuite.PermanentError");
    assertThat(outcome.response()).isEqualTo(batchItemFailures());
    assertThat(outcome.deadLettered()).isEqualTo(1);
  }

  @Test
  void sqsBodiesWithoutAReadableTokenGetNoCallbackAndDoNotHang() throws Exception {
    String token = sampleToken();
    String noToken = "{\"executionId\": \"arn:aws:states:x\", \"input\": {oops";
    String notAToken = "{\"taskToken\": \"has spaces, so no token\", {oops";
    // Broken at once (the string runs into the next quote), with the token only after three million characters.
    String huge = "{\"input\": \"" + "x".repeat(3_000_000) + ", \"taskToken\": \"" + token + "\"}";
    String manyNames = "{" + "\"taskToken\": 1, ".repeat(200_000) + "\"taskToken\": \"" + token + "\"";

    InvocationOutcome outcome =
        assertTimeoutPreemptively(
            Duration.ofSeconds(20),
            () -> invoke(SampleEvents.stream(sqsTasks(noToken, notAToken, huge, manyNames)), TestHandler.ok("chunk", TaskEvent.class)));

    assertThat(stepFunctions.calls()).isEmpty();
    assertThat(outcome.response()).isEqualTo(batchItemFailures("bad-0", "bad-1", "bad-2", "bad-3"));
  }

  // ---- Step Functions without a task token --------------------------------------------------------------------

  @Test
  void taskWithoutTokenReturnsTheHandlersOutput() throws Exception {
    TestHandler<TaskEvent> chunk =
        TestHandler.of("chunk", TaskEvent.class, e -> Map.of("key", e.input().get("key").textValue()));

    InvocationOutcome outcome = invoke("stepfunctions/task-without-token.json", chunk);

    assertThat(outcome.error()).isNull();
    assertThat(outcome.response()).isEqualTo(mapper.readTree("{\"key\":\"imports/csv/products 2026-11.csv\"}"));
    assertThat(stepFunctions.calls()).isEmpty();
    assertThat(callbacksRequested).hasValue(0);
  }

  @Test
  void taskWithoutTokenFailsWithTheHandlersOwnException() {
    PermanentException error = new PermanentException("bad chunk");

    InvocationOutcome outcome = invoke("stepfunctions/task-without-token.json", failing("chunk", TaskEvent.class, error));

    assertThat(outcome.error()).isSameAs(error);
    assertThat(outcome.batch().records()).extracting(RecordResult::succeeded).containsExactly(false);
    assertThat(stepFunctions.calls()).isEmpty();
  }
}
