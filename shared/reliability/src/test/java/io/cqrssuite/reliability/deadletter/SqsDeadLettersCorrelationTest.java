package io.cqrssuite.reliability.deadletter;

import io.cqrssuite.deadletter.DeadLetterEnvelope;
import io.cqrssuite.deadletter.DeadLetterSink;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.fixtures.SampleEvents;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** A dead letter carries its record's correlation id as a message attribute too (ElasticMQ in this JVM). */
class SqsDeadLettersCorrelationTest {
  private static SQSRestServer server;
  private static SqsClient sqs;

  private final ObjectMapper mapper = EventJson.newMapper();
  private final StructuredLog log =
      new StructuredLog("dlq-test", new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), StructuredLog.Level.INFO);

  @BeforeAll
  static void start() {
    server = SQSRestServerBuilder.withDynamicPort().withInterface("127.0.0.1").start();
    int port = server.waitUntilStarted().localAddress().getPort();
    sqs = new AwsClients(new AwsSettings("us-east-1", Map.of("SQS", URI.create("http://127.0.0.1:" + port)), null, 1, Duration.ofSeconds(5)))
        .configure(SqsClient.builder(), "SQS")
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
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
  }

  private static DeadLetterEnvelope envelope(String itemIdentifier, String correlationId) {
    Instant at = Instant.parse("2026-11-25T20:00:00Z");
    return new DeadLetterEnvelope(
        DeadLetterEnvelope.VERSION, "EVENTBRIDGE", itemIdentifier, itemIdentifier, SampleEvents.tree("eventbridge/custom.json"),
        DeadLetterEnvelope.JSON, "orders", "io.cqrssuite.failure.PermanentException", "unknown tenant",
        "PERMANENT", 1, at, at, correlationId);
  }

  @Test
  void eachEnvelopeIsSentWithItsOwnCorrelationIdAttribute() throws Exception {
    String queueUrl = sqs.createQueue(b -> b.queueName("dead-letters-correlation")).queueUrl();

    List<DeadLetterSink.Write> writes =
        new SqsDeadLetters(sqs, queueUrl, mapper, log)
            .write(List.of(envelope("e-1", "req-dl-1"), envelope("e-2", "req-dl-2"), envelope("e-3", null)));

    assertThat(writes).allMatch(DeadLetterSink.Write::stored);
    List<Message> received = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (received.size() < 3 && System.nanoTime() < deadline) {
      received.addAll(
          sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1).messageAttributeNames("All"))
              .messages());
    }
    Map<String, String> byItem = new java.util.HashMap<>();
    for (Message message : received) {
      var attribute = message.messageAttributes().get("correlationId");
      byItem.put(
          mapper.readTree(message.body()).path("itemIdentifier").asText(),
          attribute == null ? "none" : attribute.dataType() + ":" + attribute.stringValue());
    }
    assertThat(byItem).containsExactlyInAnyOrderEntriesOf(Map.of("e-1", "String:req-dl-1", "e-2", "String:req-dl-2", "e-3", "none"));
  }
}
