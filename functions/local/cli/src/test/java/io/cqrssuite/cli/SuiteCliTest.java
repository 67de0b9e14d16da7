package io.cqrssuite.cli;

import io.cqrssuite.fixtures.SampleEvents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./suite invoke} and {@code ./suite run}, driven in-process through the CLI's entry. */
class SuiteCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path ROOT = SampleEvents.repositoryRoot();
  private static final String TEST_TEMPLATE = Path.of("src", "test", "resources", "test-template.yaml").toString();

  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

  private int cli(Map<String, String> env, String... args) {
    Map<String, String> processEnv = new HashMap<>(env);
    processEnv.putIfAbsent("SUITE_ROOT", ROOT.toString());
    if (!args[0].equals("samples")) {
      // Endpoints given, so an invoke starts no embedded engines; none of these events reaches a read model.
      processEnv.putIfAbsent("SUITE_RDS_URL", "jdbc:postgresql://127.0.0.1:9/unused");
      processEnv.putIfAbsent("SUITE_OPENSEARCH_ENDPOINT", "http://127.0.0.1:9");
      processEnv.putIfAbsent("SUITE_OPENSEARCH_SIGV4", "false");
    }
    return SuiteCli.run(
        args,
        new PrintStream(stdout, true, StandardCharsets.UTF_8),
        new PrintStream(stderr, true, StandardCharsets.UTF_8),
        processEnv);
  }

  private String out() {
    return stdout.toString(StandardCharsets.UTF_8);
  }

  private JsonNode outJson() throws Exception {
    return JSON.readTree(out());
  }

  private static String event(String name) {
    return ROOT.resolve("events").resolve(name).toString();
  }

  @Test
  void helpListsEveryCommand() {
    assertThat(cli(Map.of(), "--help")).isZero();
    assertThat(out()).contains("invoke <LogicalId> <event-file>", "  run ", "  chaos ", "  dlq ", "  test ");
  }

  @Test
  void chaosRefusesABadKillRateBeforeStartingAnything() {
    assertThatThrownBy(() -> cli(Map.of(), "chaos", "--kill-rate", "1.5"))
        .isInstanceOf(Arguments.UsageException.class)
        .hasMessageContaining("--kill-rate must be a number between 0 and 1");
  }

  @Test
  void invokePrintsOnlyTheResponseJsonOnStdout() throws Exception {
    int code = cli(Map.of(), "invoke", "EventFactoryFunction", event("sqs/standard-batch.json"));
    assertThat(code).isZero();
    assertThat(outJson().path("batchItemFailures").isArray()).isTrue();
    assertThat(out().trim().lines()).hasSize(1);
  }

  @Test
  void invokeOfAStreamOfATableTheExampleDoesNotMapIsAcknowledgedWhenUnhandledEventsAreIgnored() throws Exception {
    int code = cli(Map.of("SUITE_UNHANDLED_EVENTS", "ignore"), "invoke", "EventFactoryFunction", event("dynamodb/id-keyed-table.json"));
    assertThat(code).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(out().trim()).isEqualTo("{\"batchItemFailures\":[]}");
  }

  @Test
  void invokeOfATumblingWindowEchoesItsStateBesideTheFailures() throws Exception {
    int code = cli(Map.of("SUITE_UNHANDLED_EVENTS", "ignore"), "invoke", "EventFactoryFunction", event("dynamodb/tumbling-window.json"));
    assertThat(code).isZero();
    assertThat(outJson()).isEqualTo(JSON.readTree("{\"batchItemFailures\":[],\"state\":{\"1\":\"state1\"}}"));
  }

  @Test
  void invokeOfAStreamOfATableTheExampleDoesNotMapFailsItsFirstRecordByDefault() throws Exception {
    int code = cli(Map.of(), "invoke", "EventFactoryFunction", event("dynamodb/id-keyed-table.json"));
    assertThat(code).isZero();
    // No handler takes these changes: the first is reported, so the stream stops there rather than dropping them.
    assertThat(outJson().path("batchItemFailures")).hasSize(1);
  }

  @Test
  void invokeOfAnAsynchronousSourcePrintsNull() {
    assertThat(cli(Map.of(), "invoke", "EventFactoryFunction", event("eventbridge/custom.json"))).isZero();
    assertThat(out().trim()).isEqualTo("null");
  }

  @Test
  void aHandlerErrorPrintsLambdasErrorShapeAndExitsOne() throws Exception {
    int code = cli(Map.of(), "invoke", "EventFactoryFunction", event("bad/unknown-source.json"));
    assertThat(code).isEqualTo(1);
    JsonNode error = outJson();
    assertThat(error.path("errorType").asText()).isEqualTo("io.cqrssuite.event.InvalidEventException");
    assertThat(error.path("errorMessage").asText()).contains("unknown event source");
  }

  @Test
  void aTaskTokenIsAnsweredThroughTheLocalCallbackRecorder() throws Exception {
    int code = cli(Map.of(), "invoke", "EventFactoryFunction", event("stepfunctions/task-with-token.json"));
    assertThat(code).isZero();
    assertThat(out().trim()).isEqualTo("null");
    String echoed = stderr.toString(StandardCharsets.UTF_8);
    assertThat(echoed).contains("\"action\":\"SendTaskSuccess\"").contains("\\\"ok\\\":500");
  }

  @Test
  void missingEventFileCannotRun() {
    assertThatThrownBy(() -> cli(Map.of(), "invoke", "EventFactoryFunction", "no/such/file.json"))
        .isInstanceOf(Arguments.UsageException.class)
        .hasMessageContaining("event file not found");
  }

  @Test
  void unknownFunctionNamesTheOnesThatExist() {
    assertThatThrownBy(() -> cli(Map.of(), "invoke", "NoSuchFunction", event("sqs/standard-batch.json")))
        .isInstanceOf(Arguments.UsageException.class)
        .hasMessageContaining("NoSuchFunction")
        .hasMessageContaining("EventFactoryFunction");
  }

  @Test
  void unknownCommandAndOptionsAreRefused() {
    assertThatThrownBy(() -> cli(Map.of(), "deploy")).isInstanceOf(Arguments.UsageException.class);
    assertThatThrownBy(() -> cli(Map.of(), "invoke", "EventFactoryFunction", event("sqs/standard-batch.json"), "--bogus"))
        .isInstanceOf(Arguments.UsageException.class)
        .hasMessageContaining("--bogus");
  }

  @Test
  void environmentComesFromGlobalsTemplateShellAndEnvVarsInThatOrder(@TempDir Path dir) throws Exception {
    Path envVars = dir.resolve("env.json");
    Files.writeString(envVars, "{\"Parameters\": {\"Stage\": \"prod\"}, \"EchoFunction\": {\"OVERRIDDEN\": \"env-vars\", \"TOPIC\": \"arn:aws:sns:us-east-1:1:t\"}}");
    Path eventFile = dir.resolve("event.json");
    Files.writeString(eventFile, "{\"hello\": \"world\"}");
    int code =
        cli(
            Map.of("AWS_REGION", "eu-west-1", "HOME", "/root"),
            "invoke", "EchoFunction", eventFile.toString(), "--template", TEST_TEMPLATE, "--env-vars", envVars.toString());
    assertThat(code).isZero();
    JsonNode env = outJson().path("environment");
    assertThat(env.path("FROM_GLOBALS").asText()).isEqualTo("globals");
    assertThat(env.path("OVERRIDDEN").asText()).isEqualTo("env-vars");
    assertThat(env.path("LEVEL").asText()).isEqualTo("INFO");
    assertThat(env.path("PREFIX").asText()).isEqualTo("prod-catalog-us-east-1");
    assertThat(env.path("COUNT").asText()).isEqualTo("3");
    assertThat(env.path("TOPIC").asText()).isEqualTo("arn:aws:sns:us-east-1:1:t");
    assertThat(env.has("QUEUE_ARN")).as("a GetAtt cannot be resolved locally").isFalse();
    assertThat(env.path("AWS_REGION").asText()).isEqualTo("eu-west-1");
    assertThat(env.has("HOME")).as("only AWS settings pass through from the shell").isFalse();
    assertThat(env.path("AWS_LAMBDA_FUNCTION_NAME").asText()).isEqualTo("EchoFunction");
    assertThat(outJson().path("event").path("hello").asText()).isEqualTo("world");
    assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("QUEUE_ARN refers to a deployed resource");
  }

  @Test
  void theTemplatesTimeoutEndsAHungFunction(@TempDir Path dir) throws Exception {
    Path eventFile = dir.resolve("event.json");
    Files.writeString(eventFile, "{}");
    int code = cli(Map.of(), "invoke", "HangingFunction", eventFile.toString(), "--template", TEST_TEMPLATE);
    assertThat(code).isEqualTo(1);
    assertThat(outJson().path("errorType").asText()).isEqualTo("Sandbox.Timedout");
    assertThat(outJson().path("errorMessage").asText()).isEqualTo("Task timed out after 1.00 seconds");
  }

  @Test
  void samplesPushesEverySampleAndEndsWithAJsonSummary() throws Exception {
    int code = cli(Map.of(), "samples");
    assertThat(code).as(out()).isZero();
    List<String> lines = out().trim().lines().toList();
    JsonNode summary = JSON.readTree(lines.get(lines.size() - 1));
    assertThat(summary.path("unexpected").asInt()).isZero();
    assertThat(summary.path("files").asInt()).isGreaterThanOrEqualTo(20);
    for (String source : new String[] {"S3", "SQS", "SNS", "EVENT_BRIDGE", "DYNAMODB_STREAM", "STEP_FUNCTIONS"}) {
      assertThat(summary.path("sources").path(source).path("records").asInt()).as(source).isPositive();
    }
    assertThat(out()).contains("rejected as expected");
    assertThat(out()).containsPattern("dynamodb/id-keyed-table.json +DYNAMODB_STREAM +3 +3 +0 +table ExampleTableWithStream is not mapped");
  }

  @Test
  void samplesFlagsASampleThatFailsUnexpectedly(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("good-looking.json"), "{\"hello\": \"world\"}");
    int code = cli(Map.of(), "samples", "--events", dir.toString());
    assertThat(code).isEqualTo(1);
    assertThat(out()).contains("UNEXPECTED");
  }
}
