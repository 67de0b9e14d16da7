package io.cqrssuite.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.testing.aws.FakeStepFunctions;
import io.cqrssuite.testing.aws.FakeStepFunctions.Call;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.SfnClient;

/** Heartbeats on the wire: a real HTTP server records every {@code SendTaskHeartbeat} the SDK sends. */
class TaskHeartbeatsTest {
  private static final String TOKEN = "token-of-a-long-chunk-0123456789";
  private static FakeStepFunctions stepFunctions;
  private static SfnClient sfn;
  private static String savedKey;
  private static String savedSecret;

  private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
  private final StructuredLog log = new StructuredLog("test", new PrintStream(logged, true, StandardCharsets.UTF_8), StructuredLog.Level.INFO);

  @BeforeAll
  static void start() {
    savedKey = System.getProperty("aws.accessKeyId");
    savedSecret = System.getProperty("aws.secretAccessKey");
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
    stepFunctions = FakeStepFunctions.start();
    sfn =
        new AwsClients(
                AwsSettings.fromEnvironment(
                    Map.of(
                        "AWS_REGION", "us-east-1",
                        "SUITE_AWS_MAX_ATTEMPTS", "1",
                        "AWS_ENDPOINT_URL_SFN", stepFunctions.endpoint())))
            .configure(SfnClient.builder(), "SFN").build();
  }

  @AfterAll
  static void stop() {
    sfn.close();
    stepFunctions.close();
    restore("aws.accessKeyId", savedKey);
    restore("aws.secretAccessKey", savedSecret);
  }

  private static void restore(String name, String value) {
    if (value == null) {
      System.clearProperty(name);
    } else {
      System.setProperty(name, value);
    }
  }

  @BeforeEach
  void reset() {
    stepFunctions.reset();
  }

  @Test
  void heartbeatsGoOutWhileTheHandlerRunsAndStopWhenItEnds() throws Exception {
    ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    scheduler.setRemoveOnCancelPolicy(true);
    try (TaskHeartbeats heartbeats = new TaskHeartbeats(new StepFunctionsTaskCallbacks(sfn, log), scheduler, log)) {
      TaskHeartbeats.Beat beat = heartbeats.start(TOKEN, Duration.ofMillis(50));
      awaitTrue(() -> heartbeatCalls().size() >= 3);
      assertThat(beat.stopped()).isFalse();
      beat.close();
      assertThat(beat.stopped()).isTrue();
      assertThat(scheduler.getQueue()).as("nothing left to send once the handler ended").isEmpty();
    }
    assertThat(scheduler.isShutdown()).isTrue();
    assertThat(heartbeatCalls()).allSatisfy(call -> assertThat(call.body().path("taskToken").asText()).isEqualTo(TOKEN));
  }

  @Test
  void aTimedOutTaskStopsTheHeartbeatsAndIsLogged() throws Exception {
    stepFunctions.reply(FakeStepFunctions.Reply.TASK_TIMED_OUT);
    try (TaskHeartbeats heartbeats = TaskHeartbeats.create(new StepFunctionsTaskCallbacks(sfn, log), log)) {
      TaskHeartbeats.Beat beat = heartbeats.start(TOKEN, Duration.ofMillis(20));
      awaitTrue(beat::stopped);
      assertThat(heartbeatCalls()).hasSize(1);
      assertThat(beat.sent()).isZero();
    }
    String lines = logged.toString(StandardCharsets.UTF_8);
    assertThat(lines).contains("task heartbeats stopped").contains("TaskTimedOut");
    assertThat(lines).doesNotContain(TOKEN);
  }

  @Test
  void aServerErrorIsLoggedAndTheNextHeartbeatIsTried() throws Exception {
    stepFunctions.reply(FakeStepFunctions.Reply.SERVER_ERROR);
    try (TaskHeartbeats heartbeats = TaskHeartbeats.create(new StepFunctionsTaskCallbacks(sfn, log), log)) {
      TaskHeartbeats.Beat beat = heartbeats.start(TOKEN, Duration.ofMillis(20));
      awaitTrue(() -> heartbeatCalls().size() >= 2);
      assertThat(beat.stopped()).isFalse();
      beat.close();
      assertThat(beat.stopped()).isTrue();
    }
    assertThat(logged.toString(StandardCharsets.UTF_8)).contains("task heartbeat failed; the next one is tried");
  }

  @Test
  void theIntervalIsAThirdOfTheTasksHeartbeatSecondsElseTheEnvironmentsElseNone() {
    ObjectMapper mapper = new ObjectMapper();
    assertThat(TaskHeartbeats.interval(mapper.createObjectNode().put("heartbeatSeconds", 120), Map.of("SUITE_TASK_HEARTBEAT_SECONDS", "5")))
        .isEqualTo(Duration.ofSeconds(40));
    assertThat(TaskHeartbeats.interval(mapper.createObjectNode().put("heartbeatSeconds", 1), Map.of())).isEqualTo(Duration.ofSeconds(1));
    assertThat(TaskHeartbeats.interval(mapper.createObjectNode(), Map.of("SUITE_TASK_HEARTBEAT_SECONDS", "5"))).isEqualTo(Duration.ofSeconds(5));
    assertThat(TaskHeartbeats.interval(null, Map.of())).isZero();
    assertThatThrownBy(() -> TaskHeartbeats.interval(null, Map.of("SUITE_TASK_HEARTBEAT_SECONDS", "soon")))
        .hasMessageContaining("SUITE_TASK_HEARTBEAT_SECONDS");
  }

  @Test
  void aZeroIntervalSendsNothing() {
    try (TaskHeartbeats heartbeats = TaskHeartbeats.create(new StepFunctionsTaskCallbacks(sfn, log), log)) {
      assertThat(heartbeats.start(TOKEN, Duration.ZERO).stopped()).isTrue();
      assertThat(heartbeats.start(null, Duration.ofSeconds(1)).stopped()).isTrue();
    }
    assertThat(stepFunctions.calls()).isEmpty();
  }

  private static List<Call> heartbeatCalls() {
    return stepFunctions.calls().stream().filter(c -> "SendTaskHeartbeat".equals(c.action())).toList();
  }

  private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(5);
    }
  }
}
