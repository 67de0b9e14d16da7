package io.cqrssuite.workflow;

import io.cqrssuite.testing.aws.SdkOperations;
import io.cqrssuite.task.TaskCallbacks;
import io.cqrssuite.task.TaskErrors;
import io.cqrssuite.testing.aws.S3MockServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.adobe.testing.s3mock.S3MockApplication;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.failure.PermanentException;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.testing.aws.FakeStepFunctions;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * Task output over 256 KiB goes to S3 (S3Mock in this JVM) and Step Functions gets the pointer document. A pointer is
 * read back only from the output bucket's {@code task-outputs/<sha256>.json}, and only when a HEAD shows an object
 * within the limit; the S3 client records every operation, to prove that a refused pointer was never read.
 */
class TaskOutputsTest {
  private static final String BUCKET = "task-outputs";
  private static final String FOREIGN = "someone-elses-bucket";
  private static final SdkOperations requests = new SdkOperations();
  private static final String[] PROPERTIES = {"aws.accessKeyId", "aws.secretAccessKey", "org.springframework.boot.logging.LoggingSystem"};
  private static final Map<String, String> saved = new LinkedHashMap<>();
  private static S3MockApplication s3Server;
  private static S3Client s3;
  private static FakeStepFunctions stepFunctions;
  private static SfnClient sfn;

  private final ObjectMapper mapper = new ObjectMapper();
  private final StructuredLog log = new StructuredLog("test", new PrintStream(OutputStream.nullOutputStream()), StructuredLog.Level.ERROR);

  @BeforeAll
  static void start() throws Exception {
    for (String name : PROPERTIES) {
      saved.put(name, System.getProperty(name));
    }
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
    System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    s3Server = S3MockServer.start(BUCKET, Files.createTempDirectory("s3mock-task-outputs"));
    stepFunctions = FakeStepFunctions.start();
    AwsClients clients =
        new AwsClients(
            AwsSettings.fromEnvironment(
                Map.of(
                    "AWS_REGION", "us-east-1",
                    "SUITE_AWS_MAX_ATTEMPTS", "1",
                    "AWS_ENDPOINT_URL_S3", "http://127.0.0.1:" + s3Server.getHttpPort(),
                    "AWS_ENDPOINT_URL_SFN", stepFunctions.endpoint())));
    s3 = clients.configure(S3Client.builder(), "S3").forcePathStyle(true).overrideConfiguration(o -> o.addExecutionInterceptor(requests)).build();
    s3.createBucket(r -> r.bucket(FOREIGN));
    sfn = clients.configure(SfnClient.builder(), "SFN").build();
  }

  @AfterAll
  static void stop() {
    s3.close();
    sfn.close();
    stepFunctions.close();
    s3Server.stop();
    saved.forEach((name, value) -> {
      if (value == null) {
        System.clearProperty(name);
      } else {
        System.setProperty(name, value);
      }
    });
  }

  @BeforeEach
  void reset() {
    stepFunctions.reset();
    requests.clear();
  }

  @Test
  void outputOver256KiBIsStoredInS3AndTheTaskGetsAPointerWithSizeAndHash() throws Exception {
    String output = mapper.writeValueAsString(largeOutput(300_000));
    byte[] bytes = output.getBytes(StandardCharsets.UTF_8);
    StepFunctionsTaskCallbacks callbacks = new StepFunctionsTaskCallbacks(sfn, log, new TaskOutputs(() -> s3, BUCKET, mapper));

    assertThat(callbacks.succeed("token-1", output)).isEqualTo(TaskCallbacks.Completion.DELIVERED);

    assertThat(stepFunctions.calls()).hasSize(1);
    assertThat(stepFunctions.calls().get(0).action()).isEqualTo("SendTaskSuccess");
    JsonNode pointer = mapper.readTree(stepFunctions.calls().get(0).body().path("output").asText());
    assertThat(TaskOutputs.isPointer(pointer)).isTrue();
    JsonNode s3Pointer = pointer.path("$s3");
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    assertThat(s3Pointer.path("bucket").asText()).isEqualTo(BUCKET);
    assertThat(s3Pointer.path("key").asText()).isEqualTo("task-outputs/" + sha256 + ".json");
    assertThat(s3Pointer.path("bytes").asLong()).isEqualTo(bytes.length);
    assertThat(s3Pointer.path("sha256").asText()).isEqualTo(sha256);
    assertThat(s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(s3Pointer.path("key").asText())).asByteArray()).isEqualTo(bytes);
    assertThat(new TaskOutputs(() -> s3, BUCKET, mapper).resolve(pointer)).isEqualTo(mapper.readTree(output));
  }

  @Test
  void answeringTwiceStoresOneObjectAndSendsTheSamePointer() throws Exception {
    String output = mapper.writeValueAsString(largeOutput(270_000));
    StepFunctionsTaskCallbacks callbacks = new StepFunctionsTaskCallbacks(sfn, log, new TaskOutputs(() -> s3, BUCKET, mapper));
    callbacks.succeed("token-2", output);
    callbacks.succeed("token-2", output);
    assertThat(stepFunctions.calls()).hasSize(2);
    assertThat(stepFunctions.calls().get(0).body()).isEqualTo(stepFunctions.calls().get(1).body());
    assertThat(TaskOutputs.isPointer(mapper.readTree(stepFunctions.calls().get(0).body().path("output").asText()))).isTrue();
  }

  @Test
  void smallOutputIsSentAsIsWithoutTouchingS3() throws Exception {
    TaskOutputs outputs = new TaskOutputs(() -> { throw new AssertionError("no S3 client for small output"); }, BUCKET, mapper);
    new StepFunctionsTaskCallbacks(sfn, log, outputs).succeed("token-3", "{\"ok\":3}");
    assertThat(stepFunctions.calls().get(0).body().path("output").asText()).isEqualTo("{\"ok\":3}");
    assertThat(outputs.resolve(mapper.readTree("{\"ok\":3}"))).isEqualTo(mapper.readTree("{\"ok\":3}"));
  }

  @Test
  void withoutAnOutputBucketLargeOutputIsAnsweredWithOutputTooLarge() throws Exception {
    new StepFunctionsTaskCallbacks(sfn, log).succeed("token-4", mapper.writeValueAsString(largeOutput(270_000)));
    assertThat(stepFunctions.calls().get(0).action()).isEqualTo("SendTaskFailure");
    assertThat(stepFunctions.calls().get(0).body().path("error").asText()).isEqualTo(TaskErrors.OUTPUT_TOO_LARGE);
  }

  private ObjectNode largeOutput(int atLeastBytes) {
    ObjectNode output = mapper.createObjectNode();
    ArrayNode errors = output.putArray("errors");
    int line = 2;
    int size = 0;
    while (size < atLeastBytes) {
      String reason = "column price: not an integer number of cents: 'twelve' (row " + line + ")";
      errors.addObject().put("line", line++).put("reason", reason);
      size += reason.length();
    }
    return output;
  }
  /** Stores {@code json} at {@code bucket/key} and returns a pointer document naming it, as a forger would write it. */
  private JsonNode pointerTo(String bucket, String key, String json) throws Exception {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
    return pointer(bucket, key, bytes.length, sha256(bytes));
  }

  private JsonNode pointer(String bucket, String key, long bytes, String sha256) {
    ObjectNode pointer = mapper.createObjectNode();
    pointer.putObject("$s3").put("bucket", bucket).put("key", key).put("bytes", bytes).put("sha256", sha256);
    requests.clear();
    return pointer;
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void aPointerIntoAnotherBucketIsRefusedWithoutAnyRequest() throws Exception {
    String secret = "{\"secret\": \"of another bucket\"}";
    JsonNode pointer = pointerTo(FOREIGN, "task-outputs/" + sha256(secret.getBytes(StandardCharsets.UTF_8)) + ".json", secret);

    assertThatThrownBy(() -> new TaskOutputs(() -> s3, BUCKET, 1 << 20, mapper).resolve(pointer))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("bucket '" + FOREIGN + "' is not the task output bucket '" + BUCKET + "'");
    assertThat(requests.operations()).isEmpty();
  }

  @Test
  void aPointerOutsideTheOutputKeysIsRefusedWithoutAnyRequest() throws Exception {
    String secret = "{\"secret\": \"of another application\"}";
    String sha256 = sha256(secret.getBytes(StandardCharsets.UTF_8));
    TaskOutputs outputs = new TaskOutputs(() -> s3, BUCKET, 1 << 20, mapper);
    for (String key : List.of(
        "secrets/" + sha256 + ".json",
        "task-outputs/../secrets/" + sha256 + ".json",
        "/task-outputs/" + sha256 + ".json",
        "task-outputs/" + "0".repeat(64) + ".json")) {
      JsonNode pointer = pointerTo(BUCKET, key, secret);

      assertThatThrownBy(() -> outputs.resolve(pointer))
          .as(key)
          .isInstanceOf(PermanentException.class)
          .hasMessageContaining("is not task-outputs/<its sha256>.json");
      assertThat(requests.operations()).as(key).isEmpty();
    }
  }

  @Test
  void aPointerThatSaysItIsOverTheLimitIsRefusedWithoutAnyRequest() throws Exception {
    String output = mapper.writeValueAsString(largeOutput(4_000));
    JsonNode pointer = pointerTo(BUCKET, "task-outputs/" + sha256(output.getBytes(StandardCharsets.UTF_8)) + ".json", output);

    assertThatThrownBy(() -> new TaskOutputs(() -> s3, BUCKET, 1024, mapper).resolve(pointer))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("over the limit of 1024 bytes");
    assertThat(requests.operations()).isEmpty();
  }

  @Test
  void anOutputOverTheLimitBehindAPointerThatUnderstatesItIsRefusedAfterAHeadAndNeverRead() throws Exception {
    byte[] bytes = mapper.writeValueAsBytes(largeOutput(4_000));
    String key = "task-outputs/" + sha256(bytes) + ".json";
    s3.putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes));

    assertThatThrownBy(() -> new TaskOutputs(() -> s3, BUCKET, 1024, mapper).resolve(pointer(BUCKET, key, 1000, sha256(bytes))))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("holds " + bytes.length + " bytes, over the limit of 1024 bytes");
    assertThat(requests.operations()).containsExactly("HeadObject");
  }

  @Test
  void anObjectWhoseSizeIsNotThePointersIsRefusedAfterAHeadAndNeverRead() throws Exception {
    String output = "{\"ok\": true}";
    byte[] bytes = output.getBytes(StandardCharsets.UTF_8);
    String key = "task-outputs/" + sha256(bytes) + ".json";
    s3.putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes));

    assertThatThrownBy(() -> new TaskOutputs(() -> s3, BUCKET, 1 << 20, mapper).resolve(pointer(BUCKET, key, 5, sha256(bytes))))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("holds " + bytes.length + " bytes, its pointer says 5");
    assertThat(requests.operations()).containsExactly("HeadObject");
  }

  @Test
  void anOutputOverTheLimitIsNotStoredAndTheTaskIsAnsweredWithOutputTooLarge() throws Exception {
    StepFunctionsTaskCallbacks callbacks = new StepFunctionsTaskCallbacks(sfn, log, new TaskOutputs(() -> s3, BUCKET, 270_000, mapper));

    callbacks.succeed("token-5", mapper.writeValueAsString(largeOutput(300_000)));

    assertThat(requests.operations()).doesNotContain("PutObject");
    assertThat(stepFunctions.calls().get(0).action()).isEqualTo("SendTaskFailure");
    assertThat(stepFunctions.calls().get(0).body().path("error").asText()).isEqualTo(TaskErrors.OUTPUT_TOO_LARGE);
  }
}
