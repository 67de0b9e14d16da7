package io.cqrssuite.cli;

import io.cqrssuite.fixtures.SampleEvents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.cqrssuite.deadletter.DeadLetterEnvelope;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/** {@code ./suite dlq} against ElasticMQ in this JVM. */
class DeadLetterCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path ROOT = SampleEvents.repositoryRoot();
  private static SQSRestServer server;
  private static String endpoint;
  private static SqsClient sqs;
  private static int queues;

  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  private String queueUrl;

  private static final Map<String, String> savedProperties = new HashMap<>();

  @BeforeAll
  static void start() {
    // The SDK reads credentials from the real environment or system properties, not from the CLI's env map.
    for (String name : new String[] {"aws.accessKeyId", "aws.secretAccessKey"}) {
      savedProperties.put(name, System.getProperty(name));
      System.setProperty(name, "test");
    }
    server = SQSRestServerBuilder.withDynamicPort().withInterface("127.0.0.1").start();
    endpoint = "http://127.0.0.1:" + server.waitUntilStarted().localAddress().getPort();
    sqs =
        SqsClient.builder()
            .region(Region.US_EAST_1)
            .endpointOverride(java.net.URI.create(endpoint))
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  @AfterAll
  static void stop() {
    if (sqs != null) {
      sqs.close();
    }
    if (server != null) {
      server.stopAndWait();
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
  void queue() {
    queueUrl = sqs.createQueue(b -> b.queueName("suite-cli-dlq-" + (++queues))).queueUrl();
  }

  private int cli(String... args) {
    Map<String, String> env = new HashMap<>();
    env.put("SUITE_ROOT", ROOT.toString());
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_ACCESS_KEY_ID", "test");
    env.put("AWS_SECRET_ACCESS_KEY", "test");
    env.put("AWS_ENDPOINT_URL_SQS", endpoint);
    env.put("SUITE_DEAD_LETTER_QUEUE_URL", queueUrl);
    env.put("SUITE_RDS_URL", "jdbc:postgresql://127.0.0.1:9/unused");
    env.put("SUITE_OPENSEARCH_ENDPOINT", "http://127.0.0.1:9");
    env.put("SUITE_OPENSEARCH_SIGV4", "false");
    stdout.reset();
    return SuiteCli.run(args, new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), env);
  }

  private List<String> lines() {
    return stdout.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private JsonNode last() throws Exception {
    List<String> lines = lines();
    return JSON.readTree(lines.get(lines.size() - 1));
  }

  private void send(String source, JsonNode record, String encoding, String eventId, String at) throws Exception {
    Instant when = Instant.parse(at);
    DeadLetterEnvelope envelope =
        new DeadLetterEnvelope(1, source, eventId, eventId, record, encoding, "orders", "io.cqrssuite.failure.PermanentException", "bad", "PERMANENT", 1, when, when, eventId);
    String body = JSON.writeValueAsString(envelope.toJson(JSON));
    sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body));
  }

  private int visible() {
    return Integer.parseInt(sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNamesWithStrings("ApproximateNumberOfMessages")).attributesAsStrings().get("ApproximateNumberOfMessages"));
  }

  @Test
  void listExportAndReplay(@TempDir Path dir) throws Exception {
    JsonNode eventBridge = JSON.readTree(Files.readAllBytes(ROOT.resolve("events/eventbridge/custom.json")));
    send("EVENT_BRIDGE", eventBridge, "json", eventBridge.get("id").textValue(), "2026-11-25T10:00:00Z");
    send(null, TextNode.valueOf("no event"), "text", null, "2026-11-25T11:00:00Z");

    assertThat(cli("dlq", "list")).isZero();
    assertThat(lines()).hasSize(3);
    assertThat(last().get("listed").intValue()).isEqualTo(2);
    assertThat(JSON.readTree(lines().get(0)).get("envelope").has("recordEncoding")).isTrue();
    assertThat(visible()).isEqualTo(2);

    Path file = dir.resolve("dlq.ndjson");
    assertThat(cli("dlq", "export", file.toString(), "--max", "5")).isZero();
    assertThat(last().get("count").intValue()).isEqualTo(2);
    assertThat(last().get("from").textValue()).isEqualTo("2026-11-25T10:00:00Z");
    assertThat(last().get("to").textValue()).isEqualTo("2026-11-25T11:00:00Z");
    assertThat(Files.readString(dir.resolve("dlq.ndjson.sha256"))).startsWith(last().get("sha256").textValue() + "  dlq.ndjson");
    assertThat(Files.readAllLines(file)).hasSize(3);
    assertThat(visible()).isEqualTo(2);

    assertThat(cli("dlq", "replay")).isZero();
    JsonNode summary = last();
    assertThat(summary.get("replayed").intValue()).as(summary.toString()).isEqualTo(1);
    assertThat(summary.get("skipped").intValue()).isEqualTo(1);
    assertThat(summary.get("failed").intValue()).isZero();
    assertThat(visible()).as("the text document stays").isEqualTo(1);

    assertThat(cli("dlq", "replay", "--queue-url", queueUrl)).isZero();
    assertThat(last().get("replayed").intValue()).isZero();
    assertThat(last().get("skipped").intValue()).isEqualTo(1);
  }

  @Test
  void badArgumentsAreRefused() {
    assertThatThrownBy(() -> cli("dlq")).isInstanceOf(Arguments.UsageException.class);
    assertThatThrownBy(() -> cli("dlq", "drain")).isInstanceOf(Arguments.UsageException.class);
    assertThatThrownBy(() -> cli("dlq", "export")).isInstanceOf(Arguments.UsageException.class);
    assertThatThrownBy(() -> cli("dlq", "list", "--max", "0")).isInstanceOf(Arguments.UsageException.class);
  }
}
