package io.cqrssuite.catalog.function;

import io.cqrssuite.fixtures.SampleEvents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.entrypoint.DeliveryFailedException;
import io.cqrssuite.event.InvalidEventException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import io.cqrssuite.fixtures.ProductTables;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The deployed handler end to end on the sample events: raw bytes in, the AWS-defined response out, with the
 * example application's routing and handlers.
 */
class EventFactoryHandlerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final CatalogHandler handler =
      new CatalogHandler(Map.of("AWS_REGION", "us-east-1", "SUITE_LOG_LEVEL", "ERROR", "SUITE_TABLE_MAPPINGS", ProductTables.CONFIG));

  private static byte[] sample(String name) throws Exception {
    Path path = Path.of(SampleEvents.repositoryRoot().toString(), "events", name);
    assertThat(path).as("sample event %s", name).isRegularFile();
    return Files.readAllBytes(path);
  }

  private JsonNode invoke(String name) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(sample(name)), out, null);
    return JSON.readTree(out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void sqsBatchOfGoodOrdersReportsNoFailures() throws Exception {
    assertThat(invoke("sqs/standard-batch.json").path("batchItemFailures")).isEmpty();
  }

  @Test
  void sqsBatchWithOneTruncatedBodyReportsOnlyThatMessage() throws Exception {
    JsonNode raw = JSON.readTree(sample("bad/sqs-mixed-bad-record.json"));
    String badId = raw.path("Records").get(1).path("messageId").asText();
    JsonNode failures = invoke("bad/sqs-mixed-bad-record.json").path("batchItemFailures");
    assertThat(failures).hasSize(1);
    assertThat(failures.get(0).path("itemIdentifier").asText()).isEqualTo(badId);
  }

  @Test
  void streamBatchWithMissingVersionReportsItsSequenceNumber() throws Exception {
    JsonNode raw = JSON.readTree(sample("bad/dynamodb-missing-version.json"));
    String firstSequence = raw.path("Records").get(0).path("dynamodb").path("SequenceNumber").asText();
    JsonNode failures = invoke("bad/dynamodb-missing-version.json").path("batchItemFailures");
    assertThat(failures).hasSize(1);
    assertThat(failures.get(0).path("itemIdentifier").asText()).isEqualTo(firstSequence);
  }

  @Test
  void withoutAReadModelConfiguredAProductChangeIsNotAcknowledged() throws Exception {
    JsonNode raw = JSON.readTree(sample("dynamodb/product-command-changes.json"));
    String firstSequence = raw.path("Records").get(0).path("dynamodb").path("SequenceNumber").asText();
    JsonNode failures = invoke("dynamodb/product-command-changes.json").path("batchItemFailures");
    assertThat(failures).hasSize(1);
    assertThat(failures.get(0).path("itemIdentifier").asText()).isEqualTo(firstSequence);
  }

  @Test
  void aTtlExpiryIsHousekeepingEvenWithoutAReadModel() throws Exception {
    assertThat(invoke("dynamodb/ttl-removal.json").path("batchItemFailures")).isEmpty();
  }

  @Test
  void aStreamOfATableTheExampleDoesNotMapIsAcknowledgedWhenUnhandledEventsAreIgnored() throws Exception {
    CatalogHandler ignoring =
        new CatalogHandler(
            Map.of(
                "AWS_REGION", "us-east-1",
                "SUITE_LOG_LEVEL", "ERROR",
                "SUITE_TABLE_MAPPINGS", ProductTables.CONFIG,
                "SUITE_UNHANDLED_EVENTS", "ignore"));
    for (String name : new String[] {"dynamodb/id-keyed-table.json", "dynamodb/tumbling-window.json"}) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ignoring.handleRequest(new ByteArrayInputStream(sample(name)), out, null);
      JsonNode response = JSON.readTree(out.toString(StandardCharsets.UTF_8));
      assertThat(response.has("batchItemFailures")).as(name).isTrue();
      assertThat(response.path("batchItemFailures")).as(name).isEmpty();
    }
  }

  @Test
  void aStreamOfATableTheExampleDoesNotMapIsNotAcknowledgedByDefault() throws Exception {
    JsonNode raw = JSON.readTree(sample("dynamodb/id-keyed-table.json"));
    String firstSequence = raw.path("Records").get(0).path("dynamodb").path("SequenceNumber").asText();
    JsonNode failures = invoke("dynamodb/id-keyed-table.json").path("batchItemFailures");
    // No handler takes these changes and unhandled events fail by default: the first is reported, so the
    // stream stops there rather than dropping what nobody read.
    assertThat(failures).hasSize(1);
    assertThat(failures.get(0).path("itemIdentifier").asText()).isEqualTo(firstSequence);
  }

  @Test
  void asynchronousSourcesReturnNullOnSuccess() throws Exception {
    for (String name :
        new String[] {"s3/object-created-batch.json", "sns/notification.json", "eventbridge/custom.json", "eventbridge/scheduled.json"}) {
      assertThat(invoke(name).isNull()).as(name).isTrue();
    }
  }

  @Test
  void taskWithoutTokenReturnsTheHandlersResult() throws Exception {
    JsonNode output = invoke("stepfunctions/task-without-token.json");
    assertThat(output.path("importId").asText()).isEqualTo("imp-2026-11-25-abc");
    assertThat(output.path("ok").asLong()).isEqualTo(500);
    assertThat(output.path("status").asText()).isEqualTo("SUCCEEDED");
  }

  @Test
  void unknownSourceFailsTheInvocationWithItsReason() {
    assertThatThrownBy(() -> invoke("bad/unknown-source.json"))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("unknown event source");
  }

  @Test
  void anS3ImportOfANonCsvFailsTheAsynchronousInvocation() throws Exception {
    String event =
        new String(sample("s3/object-created-batch.json"), StandardCharsets.UTF_8)
            .replace("imports/csv/products+2026-11.csv", "imports/csv/products.xlsx");
    assertThatThrownBy(
            () -> handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), null))
        .isInstanceOf(DeliveryFailedException.class)
        .hasMessageContaining("not a CSV file: imports/csv/products.xlsx");
  }

  @Test
  void withAnIdempotencyTableOrdersGoThroughTheStoreAndAnOutageLeavesThemUnacknowledged() throws Exception {
    String key = System.getProperty("aws.accessKeyId");
    String secret = System.getProperty("aws.secretAccessKey");
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
    try {
      CatalogHandler guarded =
          new CatalogHandler(
              Map.of(
                  "AWS_REGION", "us-east-1",
                  "SUITE_LOG_LEVEL", "ERROR",
                  "SUITE_METRICS", "off",
                  "SUITE_IDEMPOTENCY_TABLE", "idempotency",
                  "AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:9",
                  "SUITE_AWS_MAX_ATTEMPTS", "1",
                  "SUITE_RETRY_MAX_ATTEMPTS", "1"));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      guarded.handleRequest(new ByteArrayInputStream(sample("sqs/standard-batch.json")), out, null);
      // Without the store (the test above) the same batch succeeds: here the store cannot be reached, so no order
      // is handled and every message comes back.
      assertThat(JSON.readTree(out.toString(StandardCharsets.UTF_8)).path("batchItemFailures")).hasSize(3);
    } finally {
      restore("aws.accessKeyId", key);
      restore("aws.secretAccessKey", secret);
    }
  }

  private static void restore(String name, String value) {
    if (value == null) {
      System.clearProperty(name);
    } else {
      System.setProperty(name, value);
    }
  }
}
