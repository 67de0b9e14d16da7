package io.cqrssuite.catalog.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.cqrssuite.deploy.StackStatus;
import io.cqrssuite.testing.aws.FakeCloudFormation;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The custom resource's answer, PUT to a real HTTP server on 127.0.0.1 standing in for CloudFormation's pre-signed
 * S3 URL. Only failures, Delete and CloudFormation's rollback here: a successful migration needs a database (see the
 * local module's {@code SchemaMigrationDeployTest}).
 */
class SchemaMigrationHandlerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STACK = "arn:aws:cloudformation:eu-west-1:123456789012:stack/catalog/1a2b3c";

  /** One PUT as received. */
  record Answer(String method, String path, String query, List<String> contentType, JsonNode body) {}

  private final List<Answer> answers = new CopyOnWriteArrayList<>();
  private HttpServer cloudFormation;

  @BeforeEach
  void start() throws IOException {
    cloudFormation = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    cloudFormation.createContext("/", exchange -> {
      try (exchange) {
        answers.add(
            new Answer(
                exchange.getRequestMethod(),
                exchange.getRequestURI().getRawPath(),
                exchange.getRequestURI().getRawQuery(),
                exchange.getRequestHeaders().get("Content-Type"),
                JSON.readTree(exchange.getRequestBody().readAllBytes())));
        exchange.sendResponseHeaders(200, -1);
      }
    });
    cloudFormation.start();
  }

  @AfterEach
  void stop() {
    cloudFormation.stop(0);
  }

  private byte[] request(String type, String physicalId) {
    ObjectNode request = JSON.createObjectNode();
    request.put("RequestType", type);
    request.put("ServiceToken", "arn:aws:lambda:eu-west-1:123456789012:function:schema-migration");
    request.put(
        "ResponseURL",
        "http://127.0.0.1:" + cloudFormation.getAddress().getPort()
            + "/cloudformation-custom-resource-response-euwest1/catalog%7CReadModelSchema%7Cabc"
            + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=0123abcd");
    request.put("StackId", STACK);
    request.put("RequestId", "5d478078-13e9-baf0-464a-7ef285ecc786");
    request.put("LogicalResourceId", "ReadModelSchema");
    request.put("ResourceType", "Custom::SchemaMigration");
    if (physicalId != null) {
      request.put("PhysicalResourceId", physicalId);
    }
    request.putObject("ResourceProperties").put("SchemaVersion", "sha256:0011223344556677");
    return request.toString().getBytes(StandardCharsets.UTF_8);
  }

  private JsonNode invoke(Map<String, String> env, byte[] event, long remainingMillis, Duration margin)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new SchemaMigrationHandler(env, margin)
        .handleRequest(new ByteArrayInputStream(event), out, new TestContext(remainingMillis));
    return JSON.readTree(out.toByteArray());
  }

  @Test
  void deleteAnswersSuccessWithoutTouchingTheDatabase() throws Exception {
    JsonNode returned =
        invoke(
            Map.of("SUITE_RDS_URL", "jdbc:postgresql://127.0.0.1:1/unreachable"),
            request("Delete", "ReadModelSchema"),
            300_000,
            Duration.ofSeconds(45));

    assertThat(answers).hasSize(1);
    Answer answer = answers.get(0);
    assertThat(answer.method()).isEqualTo("PUT");
    // The pre-signed URL reaches the server as it was signed, query included.
    assertThat(answer.path()).isEqualTo("/cloudformation-custom-resource-response-euwest1/catalog%7CReadModelSchema%7Cabc");
    assertThat(answer.query()).isEqualTo("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=0123abcd");
    assertThat(answer.contentType()).containsExactly("");
    assertThat(answer.body().path("Status").asText()).isEqualTo("SUCCESS");
    assertThat(answer.body().path("PhysicalResourceId").asText()).isEqualTo("ReadModelSchema");
    assertThat(answer.body().path("StackId").asText()).isEqualTo(STACK);
    assertThat(answer.body().path("RequestId").asText()).isEqualTo("5d478078-13e9-baf0-464a-7ef285ecc786");
    assertThat(answer.body().path("LogicalResourceId").asText()).isEqualTo("ReadModelSchema");
    assertThat(returned).isEqualTo(answer.body());
  }

  @Test
  void anUnsupportedJdbcUrlIsAnsweredFailedWithTheReason() throws Exception {
    invoke(
        Map.of("SUITE_RDS_URL", "jdbc:oracle:thin:@db.example:1521/catalog"),
        request("Create", null),
        300_000,
        Duration.ofSeconds(45));

    assertThat(answers).hasSize(1);
    JsonNode body = answers.get(0).body();
    assertThat(body.path("Status").asText()).isEqualTo("FAILED");
    assertThat(body.path("Reason").asText()).contains("unsupported JDBC URL");
    assertThat(body.path("PhysicalResourceId").asText()).as("required even on a failed Create").isEqualTo("ReadModelSchema");
    assertThat(body.path("LogicalResourceId").asText()).isEqualTo("ReadModelSchema");
  }

  @Test
  void anUnreachableDatabaseIsAnsweredFailedAndTheUrlsQueryIsNotRepeated() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    String url = "jdbc:postgresql://127.0.0.1:" + closedPort + "/catalog?password=hunter2&connectTimeout=2";

    invoke(Map.of("SUITE_RDS_URL", url, "SUITE_RDS_USER", "sync"), request("Create", null), 300_000,
        Duration.ofSeconds(45));

    JsonNode body = answers.get(0).body();
    assertThat(body.path("Status").asText()).isEqualTo("FAILED");
    assertThat(body.path("Reason").asText()).contains("Connection").doesNotContain("hunter2");
  }

  @Test
  void aDatabaseThatNeverAnswersIsAnsweredFailedBeforeTheFunctionTimesOut() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      // Accepts the connection (the kernel does) and never says a word: the JDBC login waits forever.
      String url = "jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/catalog";
      List<Socket> held = new CopyOnWriteArrayList<>();
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            held.add(silent.accept());
          }
        } catch (IOException closed) {
          // The test is over.
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();

      assertTimeoutPreemptively(
          Duration.ofSeconds(20),
          () -> invoke(Map.of("SUITE_RDS_URL", url), request("Create", null), 3_000, Duration.ofSeconds(1)));

      JsonNode body = answers.get(0).body();
      assertThat(body.path("Status").asText()).isEqualTo("FAILED");
      assertThat(body.path("Reason").asText()).startsWith("did not finish within 2 s");
      for (Socket socket : held) {
        socket.close();
      }
    }
  }

  /**
   * CloudFormation rolling the stack back sends an Update with the old properties: answered SUCCESS without touching
   * the database (here one nobody listens on, so any attempt would fail the answer), after asking the stack's status
   * by its ARN.
   */
  @Test
  void anUpdateWhileTheStackRollsBackAnswersSuccessWithoutTouchingTheDatabase() throws Throwable {
    try (FakeCloudFormation stacks = FakeCloudFormation.start(StackStatus.UPDATE_ROLLBACK_IN_PROGRESS)) {
      withCredentials(() -> invoke(
          Map.of("SUITE_RDS_URL", unreachableDatabase(), "AWS_ENDPOINT_URL_CLOUDFORMATION", stacks.endpoint().toString()),
          request("Update", "ReadModelSchema"), 300_000, Duration.ofSeconds(45)));

      JsonNode body = answers.get(0).body();
      assertThat(body.path("Status").asText()).as(body.toString()).isEqualTo("SUCCESS");
      assertThat(body.path("Data").path("skipped").asText()).isEqualTo(StackStatus.UPDATE_ROLLBACK_IN_PROGRESS);
      assertThat(body.path("PhysicalResourceId").asText()).isEqualTo("ReadModelSchema");
      assertThat(stacks.stacksAsked()).containsExactly(STACK);
    }
  }

  /** The same Update outside a rollback runs the steps: here the database is unreachable, so it fails. */
  @Test
  void anUpdateOutsideARollbackRunsTheSteps() throws Throwable {
    try (FakeCloudFormation stacks = FakeCloudFormation.start("UPDATE_IN_PROGRESS")) {
      withCredentials(() -> invoke(
          Map.of("SUITE_RDS_URL", unreachableDatabase(), "AWS_ENDPOINT_URL_CLOUDFORMATION", stacks.endpoint().toString()),
          request("Update", "ReadModelSchema"), 300_000, Duration.ofSeconds(45)));

      JsonNode body = answers.get(0).body();
      assertThat(body.path("Status").asText()).isEqualTo("FAILED");
      assertThat(body.path("Reason").asText()).contains("Connection");
      assertThat(stacks.stacksAsked()).containsExactly(STACK);
    }
  }

  /** Not knowing whether the stack rolls back, the Update neither migrates nor pretends to: it fails, saying why. */
  @Test
  void anUpdateWhoseStackStatusCannotBeReadFailsSayingWhy() throws Throwable {
    try (FakeCloudFormation stacks = FakeCloudFormation.start("UPDATE_IN_PROGRESS")) {
      stacks.fail(403);
      withCredentials(() -> invoke(
          Map.of("SUITE_RDS_URL", unreachableDatabase(), "AWS_ENDPOINT_URL_CLOUDFORMATION", stacks.endpoint().toString(),
              "SUITE_AWS_MAX_ATTEMPTS", "1"),
          request("Update", "ReadModelSchema"), 300_000, Duration.ofSeconds(45)));

      JsonNode body = answers.get(0).body();
      assertThat(body.path("Status").asText()).isEqualTo("FAILED");
      assertThat(body.path("Reason").asText())
          .contains("cannot tell whether stack " + STACK + " is rolling back", "Status Code: 403", "skipping ReadModelSchema")
          .doesNotContain("Connection");
    }
  }

  @Test
  void withoutAnyReadModelConfiguredTheCreateFails() throws Exception {
    invoke(Map.of(), request("Create", null), 300_000, Duration.ofSeconds(45));

    assertThat(answers.get(0).body().path("Status").asText()).isEqualTo("FAILED");
    assertThat(answers.get(0).body().path("Reason").asText()).contains("SUITE_RDS_URL", "SUITE_OPENSEARCH_ENDPOINT");
  }

  private static String unreachableDatabase() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "jdbc:postgresql://127.0.0.1:" + socket.getLocalPort() + "/catalog?connectTimeout=2";
    }
  }

  /** The SDK signs with the default chain's credentials: the test's, for as long as the call runs. */
  private static void withCredentials(org.junit.jupiter.api.function.Executable call) throws Throwable {
    String savedKey = System.getProperty("aws.accessKeyId");
    String savedSecret = System.getProperty("aws.secretAccessKey");
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
    try {
      call.execute();
    } finally {
      restore("aws.accessKeyId", savedKey);
      restore("aws.secretAccessKey", savedSecret);
    }
  }

  private static void restore(String property, String value) {
    if (value == null) {
      System.clearProperty(property);
    } else {
      System.setProperty(property, value);
    }
  }

  /** The parts of Lambda's context the handler reads: the time left. */
  private static final class TestContext implements Context {
    private final long deadline;

    TestContext(long remainingMillis) {
      this.deadline = System.currentTimeMillis() + remainingMillis;
    }

    @Override
    public int getRemainingTimeInMillis() {
      return (int) Math.max(0, deadline - System.currentTimeMillis());
    }

    @Override
    public String getAwsRequestId() {
      return "test";
    }

    @Override
    public String getLogGroupName() {
      return "/aws/lambda/schema-migration";
    }

    @Override
    public String getLogStreamName() {
      return "test";
    }

    @Override
    public String getFunctionName() {
      return "schema-migration";
    }

    @Override
    public String getFunctionVersion() {
      return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
      return "arn:aws:lambda:eu-west-1:123456789012:function:schema-migration";
    }

    @Override
    public CognitoIdentity getIdentity() {
      return null;
    }

    @Override
    public ClientContext getClientContext() {
      return null;
    }

    @Override
    public int getMemoryLimitInMB() {
      return 1024;
    }

    @Override
    public LambdaLogger getLogger() {
      return new LambdaLogger() {
        @Override
        public void log(String message) {}

        @Override
        public void log(byte[] message) {}
      };
    }
  }
}
