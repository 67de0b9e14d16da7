package io.cqrssuite.workflow;

import io.cqrssuite.testing.aws.CapturingEndpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.factory.DefaultEventFactory;
import io.cqrssuite.factory.EventDecoder;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.failure.PermanentException;
import io.cqrssuite.logging.CorrelationContext;
import io.cqrssuite.fixtures.SampleEvents;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sfn.SfnClient;

/** {@code StartExecution} as the SDK sends it (JSON 1.0 protocol), captured and answered by an HTTP server here. */
class WorkflowStartsTest {
  private static final String MACHINE = "arn:aws:states:us-east-1:000000000000:stateMachine:csv-import";
  private static final String JSON = "application/x-amz-json-1.0";

  private final ObjectMapper mapper = EventJson.newMapper();
  private final CorrelationContext correlation = new CorrelationContext();
  private CapturingEndpoint sfn;

  @AfterEach
  void stop() {
    if (sfn != null) {
      sfn.close();
    }
  }

  private WorkflowStarts starts(Function<CapturingEndpoint.Request, CapturingEndpoint.Response> answer) {
    sfn = new CapturingEndpoint(answer);
    SfnClient client =
        new AwsClients(new AwsSettings("us-east-1", Map.of("SFN", sfn.endpoint()), null, 1, Duration.ofSeconds(5)))
            .configure(SfnClient.builder(), "SFN")
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .build();
    return new WorkflowStarts(() -> client, mapper, correlation);
  }

  private static CapturingEndpoint.Response started(String name) {
    return new CapturingEndpoint.Response(
        200, JSON, "{\"executionArn\":\"" + WorkflowStarts.executionArn(MACHINE, name) + "\",\"startDate\":1795593600.5}");
  }

  private static CapturingEndpoint.Response alreadyExists() {
    return new CapturingEndpoint.Response(
        400, JSON, "{\"__type\":\"com.amazonaws.sfn#ExecutionAlreadyExists\",\"message\":\"Execution Already Exists\"}");
  }

  /** Describes the execution as started with {@code input}. */
  private static CapturingEndpoint.Response described(String name, String input) {
    ObjectNode body = new ObjectMapper().createObjectNode();
    body.put("executionArn", WorkflowStarts.executionArn(MACHINE, name)).put("stateMachineArn", MACHINE).put("name", name)
        .put("status", "SUCCEEDED").put("startDate", 1795593600.5).put("input", input);
    return new CapturingEndpoint.Response(200, JSON, body.toString());
  }

  private JsonNode body(CapturingEndpoint.Request request) throws Exception {
    return mapper.readTree(request.body());
  }

  private ObjectNode input() {
    ObjectNode input = mapper.createObjectNode();
    input.put("bucket", "catalog-imports").put("key", "imports/csv/products.csv").put("lines", 2_000_000_000_000L);
    return input;
  }

  @Test
  void theInputCarriesTheCurrentCorrelationIdAndTheCallersName() throws Exception {
    String name = WorkflowStarts.executionName("csv-import", "d41d8cd98f00b204e9800998ecf8427e");
    WorkflowStarts starts = starts(r -> started(name));

    WorkflowStarts.Started started;
    try (CorrelationContext.Scope scope = correlation.open("req-import-1")) {
      started = starts.start(MACHINE, name, input());
    }

    assertThat(started).isEqualTo(new WorkflowStarts.Started(MACHINE.replace(":stateMachine:", ":execution:") + ":" + name, false));
    CapturingEndpoint.Request request = sfn.requests().get(0);
    assertThat(request.target()).isEqualTo("AWSStepFunctions.StartExecution");
    JsonNode body = body(request);
    assertThat(body.path("stateMachineArn").asText()).isEqualTo(MACHINE);
    assertThat(body.path("name").asText()).isEqualTo("csv-import-d41d8cd98f00b204e9800998ecf8427e");
    JsonNode sent = mapper.readTree(body.path("input").asText());
    assertThat(sent.path("correlationId").asText()).isEqualTo("req-import-1");
    assertThat(sent.path("bucket").asText()).isEqualTo("catalog-imports");
  }

  @Test
  void anIdTheInputAlreadyNamesIsKept() throws Exception {
    WorkflowStarts starts = starts(r -> started("n"));
    ObjectNode input = input().put("correlationId", "from-the-caller");

    try (CorrelationContext.Scope scope = correlation.open("req-2")) {
      starts.start(MACHINE, "n", input);
    }

    assertThat(mapper.readTree(body(sfn.requests().get(0)).path("input").asText()).path("correlationId").asText())
        .isEqualTo("from-the-caller");
    assertThat(input.path("correlationId").asText()).as("the caller's node is not changed").isEqualTo("from-the-caller");
  }

  @Test
  void aRepeatedStartWithTheSameInputCountsAsSuccess() throws Exception {
    String name = "orders-O-1005";
    String[] sentInput = new String[1];
    WorkflowStarts starts =
        starts(r -> {
          if (r.target().endsWith("StartExecution")) {
            try {
              sentInput[0] = mapper.readTree(r.body()).path("input").asText();
            } catch (Exception e) {
              throw new AssertionError(e);
            }
            return alreadyExists();
          }
          // Step Functions keeps the input as it received it: here re-serialised with other spacing and order.
          try {
            JsonNode original = mapper.readTree(sentInput[0]);
            ObjectNode reordered = mapper.createObjectNode();
            List.of("lines", "correlationId", "key", "bucket").forEach(f -> reordered.set(f, original.get(f)));
            return described(name, mapper.writerWithDefaultPrettyPrinter().writeValueAsString(reordered));
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });

    WorkflowStarts.Started started;
    try (CorrelationContext.Scope scope = correlation.open("req-3")) {
      started = starts.start(MACHINE, name, input());
    }

    assertThat(started.repeated()).isTrue();
    assertThat(started.executionArn()).isEqualTo("arn:aws:states:us-east-1:000000000000:execution:csv-import:orders-O-1005");
    CapturingEndpoint.Request describe = sfn.requests().get(1);
    assertThat(describe.target()).isEqualTo("AWSStepFunctions.DescribeExecution");
    assertThat(body(describe).path("executionArn").asText()).isEqualTo(started.executionArn());
  }

  @Test
  void anExistingExecutionWithAnotherInputIsAPermanentFailure() {
    WorkflowStarts starts =
        starts(r -> r.target().endsWith("StartExecution") ? alreadyExists() : described("orders-O-1005", "{\"bucket\":\"other\"}"));

    try (CorrelationContext.Scope scope = correlation.open("req-4")) {
      assertThatThrownBy(() -> starts.start(MACHINE, "orders-O-1005", input()))
          .isInstanceOf(PermanentException.class)
          .hasMessageContaining("execution:csv-import:orders-O-1005")
          .hasMessageContaining("another input");
    }
  }

  @Test
  void aNameStepFunctionsWouldRefuseIsRejectedBeforeAnyCall() {
    WorkflowStarts starts = starts(r -> started("x"));

    assertThatThrownBy(() -> starts.start(MACHINE, "arn:aws:states:x#ProcessChunk", input()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(sfn.requests()).isEmpty();
  }

  @Test
  void executionNamesAreDeterministicShortEnoughAndDistinctWhenCleaned() {
    String eventId = "arn:aws:states:us-east-1:000000000000:execution:csv-import:imp-2026-11-25-abc#ProcessChunk#7";
    String name = WorkflowStarts.executionName("chunk", eventId);

    assertThat(name).isEqualTo(WorkflowStarts.executionName("chunk", eventId));
    assertThat(name).hasSizeLessThanOrEqualTo(80).matches("[A-Za-z0-9_-]+").startsWith("chunk-arn_aws_states_");
    assertThat(WorkflowStarts.executionName("a:b")).isNotEqualTo(WorkflowStarts.executionName("a/b"));
    assertThat(WorkflowStarts.executionName("x".repeat(81))).isNotEqualTo(WorkflowStarts.executionName("x".repeat(82))).hasSize(80);
    assertThat(WorkflowStarts.executionName("orders", "O-1005")).isEqualTo("orders-O-1005");
  }

  @Test
  void aTaskOfTheStartedWorkflowReadsTheIdBackFromItsInput() throws Exception {
    WorkflowStarts starts = starts(r -> started("n"));
    try (CorrelationContext.Scope scope = correlation.open("req-task")) {
      starts.start(MACHINE, "n", input());
    }
    JsonNode executionInput = mapper.readTree(body(sfn.requests().get(0)).path("input").asText());
    EventDecoder decoder = new EventDecoder(mapper, new DefaultEventFactory());

    // Direct invoke: "input.$": "$" puts the execution input into the task payload.
    ObjectNode payload = (ObjectNode) SampleEvents.tree("stepfunctions/task-without-token.json").deepCopy();
    payload.set("input", executionInput);
    // Through SQS: the same payload as the message body, the queue adding no attribute.
    ObjectNode viaSqs = (ObjectNode) SampleEvents.tree("sqs/task-token.json").deepCopy();
    ObjectNode message = (ObjectNode) viaSqs.get("Records").get(0);
    ObjectNode body = (ObjectNode) mapper.readTree(message.get("body").asText());
    body.set("input", executionInput);
    message.put("body", mapper.writeValueAsString(body));

    assertThat(decoder.decode(payload).records().get(0).correlationId()).isEqualTo("req-task");
    assertThat(decoder.decode(viaSqs).records().get(0).correlationId()).isEqualTo("req-task");
  }
}
