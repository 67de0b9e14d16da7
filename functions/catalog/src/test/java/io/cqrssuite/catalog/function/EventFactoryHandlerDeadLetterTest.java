package io.cqrssuite.catalog.function;

import io.cqrssuite.fixtures.SampleEvents;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.event.InvalidEventException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The deployed handler, wired by Dagger from its environment, with {@code SUITE_DEAD_LETTER_QUEUE_URL} pointing at a
 * real SQS wire protocol (ElasticMQ in this JVM): the example's bad samples end on the queue, not in the response.
 */
class EventFactoryHandlerDeadLetterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] CREDENTIAL_PROPERTIES = {"aws.accessKeyId", "aws.secretAccessKey"};
  private static final Map<String, String> savedProperties = new LinkedHashMap<>();
  private static SQSRestServer server;
  private static SqsClient sqs;
  private static String queueUrl;
  private static CatalogHandler handler;

  @BeforeAll
  static void start() {
    for (String name : CREDENTIAL_PROPERTIES) {
      savedProperties.put(name, System.getProperty(name));
      System.setProperty(name, "test");
    }
    server = SQSRestServerBuilder.withDynamicPort().withInterface("127.0.0.1").start();
    String endpoint = "http://127.0.0.1:" + server.waitUntilStarted().localAddress().getPort();
    sqs =
        SqsClient.builder()
            .region(Region.US_EAST_1)
            .endpointOverride(URI.create(endpoint))
            .httpClient(UrlConnectionHttpClient.create())
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .build();
    queueUrl = sqs.createQueue(b -> b.queueName("catalog-dead-letters")).queueUrl();
    handler =
        new CatalogHandler(
            Map.of(
                "AWS_REGION", "us-east-1",
                "SUITE_LOG_LEVEL", "ERROR",
                "AWS_ENDPOINT_URL_SQS", endpoint,
                "SUITE_DEAD_LETTER_QUEUE_URL", queueUrl));
  }

  @AfterAll
  static void stop() {
    if (sqs != null) {
      sqs.close();
    }
    if (server != null) {
      server.stopAndWait();
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

  private static byte[] sample(String name) throws Exception {
    Path path = Path.of(SampleEvents.repositoryRoot().toString(), "events", name);
    assertThat(path).as("sample event %s", name).isRegularFile();
    return Files.readAllBytes(path);
  }

  private static JsonNode invoke(String name) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(sample(name)), out, null);
    return JSON.readTree(out.toString(StandardCharsets.UTF_8));
  }

  /** Receives until {@code expected} envelopes arrived, with a deadline; then checks that no more follow. */
  private static List<JsonNode> envelopes(int expected) throws Exception {
    List<JsonNode> found = new ArrayList<>();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      List<Message> messages =
          sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
      if (messages.isEmpty() && found.size() >= expected) {
        break;
      }
      for (Message message : messages) {
        found.add(JSON.readTree(message.body()));
        sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
      }
    }
    return found;
  }

  @Test
  void sqsMessageWithATruncatedBodyIsDeadLetteredAndTheBatchAcknowledged() throws Exception {
    JsonNode raw = JSON.readTree(sample("bad/sqs-mixed-bad-record.json")).path("Records").get(1);

    JsonNode response = invoke("bad/sqs-mixed-bad-record.json");

    assertThat(response.path("batchItemFailures")).isEmpty();
    List<JsonNode> envelopes = envelopes(1);
    assertThat(envelopes).hasSize(1);
    JsonNode envelope = envelopes.get(0);
    assertThat(envelope.path("source").asText()).isEqualTo("SQS");
    assertThat(envelope.path("itemIdentifier").asText()).isEqualTo(raw.path("messageId").asText());
    assertThat(envelope.path("record")).isEqualTo(raw);
    assertThat(envelope.path("failureKind").asText()).isEqualTo("PERMANENT");
    assertThat(envelope.path("errorClass").asText()).isNotBlank();
    assertThat(envelope.path("errorMessage").asText()).isNotBlank();
  }

  @Test
  void documentFromAnUnknownSourceIsDeadLetteredWhole() throws Exception {
    JsonNode response = invoke("bad/unknown-source.json");

    assertThat(response.isNull()).isTrue();
    List<JsonNode> envelopes = envelopes(1);
    assertThat(envelopes).hasSize(1);
    assertThat(envelopes.get(0).path("record").asText()).isEqualTo(new String(sample("bad/unknown-source.json"), StandardCharsets.UTF_8));
    assertThat(envelopes.get(0).path("errorClass").asText()).isEqualTo(InvalidEventException.class.getName());
  }
}
