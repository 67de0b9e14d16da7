package io.cqrssuite.catalog.function;

import io.cqrssuite.fixtures.SampleEvents;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.catalog.imports.ImportSettings;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.testing.aws.AwsEmulator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * S3 notification → import, with an {@link AwsEmulator}'s real S3 event: a CSV stored under {@code imports/csv/} is
 * announced by the bucket's notification (filtered on prefix and suffix, here to an SQS queue the test reads instead
 * of a Lambda trigger), other keys are not, the announcement goes through {@code EventFactoryFunction}'s handler,
 * and exactly one execution of the import state machine ({@code infra/statemachine/csv-import.asl.json}) starts
 * under the deterministic name, however often the notification is delivered. The workflow's Lambda tasks are not
 * deployed here: this checks the trigger, not the run (which the local Step Functions harness covers).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CsvImportNotificationContract {
  private static final ObjectMapper JSON = EventJson.newMapper();
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9]+)}");

  private AwsEmulator emulator;
  private S3Client s3;
  private SqsClient sqs;
  private SfnClient sfn;

  /** Starts the emulator with S3, SQS and Step Functions (recording executions, not running them). */
  abstract AwsEmulator start();

  /**
   * Checks the fields of the S3 record that only the real service (and LocalStack) fills in; moto leaves them out,
   * so the test body does not depend on them.
   */
  void checkFieldsMotoLacks(JsonNode s3Record) {}

  /** The notification's body as AWS would have written it; where the emulator differs, made the same. */
  String asAwsWritesIt(String body) {
    return body;
  }

  @BeforeAll
  void startEmulator() {
    emulator = start();
    s3 = emulator.client(S3Client.builder(), "S3");
    sqs = emulator.client(SqsClient.builder(), "SQS");
    sfn = emulator.client(SfnClient.builder(), "SFN");
  }

  @AfterAll
  void stopEmulator() {
    if (emulator != null) {
      emulator.close();
    }
  }

  @Test
  void aCsvUnderImportsCsvStartsOneImportExecutionHoweverOftenItsNotificationArrives() throws Exception {
    String bucket = "catalog-imports";
    String queueUrl = sqs.createQueue(r -> r.queueName("import-notifications")).queueUrl();
    String queueArn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes().get(QueueAttributeName.QUEUE_ARN);
    s3.createBucket(r -> r.bucket(bucket));
    s3.putBucketNotificationConfiguration(r -> r.bucket(bucket).notificationConfiguration(n -> n.queueConfigurations(q -> q
        .queueArn(queueArn)
        .events(Event.S3_OBJECT_CREATED)
        // The rule names in lower case: S3 takes either, moto 5.2.1 only these (the SDK's FilterRuleName.PREFIX
        // sends "Prefix", which moto answers with a 500).
        .filter(f -> f.key(k -> k.filterRules(
            rule -> rule.name("prefix").value("imports/csv/"),
            rule -> rule.name("suffix").value(".csv")))))));

    String definition = substitute(Files.readString(Path.of(SampleEvents.repositoryRoot().toString(), "infra", "statemachine", "csv-import.asl.json")));
    String machine = sfn.createStateMachine(r -> r.name("dev-catalog-csv-import").type("STANDARD")
        .roleArn("arn:aws:iam::" + emulator.accountId() + ":role/import").definition(definition)).stateMachineArn();

    s3.putObject(r -> r.bucket(bucket).key("imports/other/ignored.csv"), RequestBody.fromString("not an import", StandardCharsets.UTF_8));
    s3.putObject(r -> r.bucket(bucket).key("imports/csv/notes.txt"), RequestBody.fromString("not an import", StandardCharsets.UTF_8));
    byte[] csv = Files.readAllBytes(Path.of(SampleEvents.repositoryRoot().toString(), "events", "s3", "csv-import", "products-2026-11.csv"));
    s3.putObject(r -> r.bucket(bucket).key("imports/csv/products 2026-11.csv"), RequestBody.fromBytes(csv));

    List<Message> received = receiveUntilImportNotified(queueUrl);
    assertThat(received.stream().flatMap(m -> objectCreatedKeys(m).stream()))
        .as("the notification's prefix and suffix filters")
        .containsExactly("imports/csv/products 2026-11.csv");
    Message announced = received.stream().filter(m -> !objectCreatedKeys(m).isEmpty()).findFirst().orElseThrow();
    checkFieldsMotoLacks(JSON.readTree(announced.body()).path("Records").path(0));
    Message notification = announced.toBuilder().body(asAwsWritesIt(announced.body())).build();
    Map<String, String> env = emulator.functionEnvironment();
    env.put(ImportSettings.STATE_MACHINE_ARN, machine);
    CatalogHandler handler = new CatalogHandler(env);
    for (int delivery = 0; delivery < 2; delivery++) {
      ObjectNode event = JsonNodeFactory.instance.objectNode();
      event.putArray("Records").add(AwsEmulator.sqsRecord(notification, queueArn, emulator.region()));
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      handler.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), response, null);
      assertThat(JSON.readTree(response.toByteArray()).path("batchItemFailures")).as("delivery " + delivery).isEmpty();
    }

    List<ExecutionListItem> executions = sfn.listExecutions(r -> r.stateMachineArn(machine)).executions();
    assertThat(executions).as("one import per object version").hasSize(1);
    JsonNode input = JSON.readTree(sfn.describeExecution(r -> r.executionArn(executions.get(0).executionArn())).input());
    assertThat(input.toString()).contains(bucket).contains("imports/csv/products 2026-11.csv");
  }

  /**
   * Every message of the queue up to the import's ObjectCreated notification (both emulators send an
   * {@code s3:TestEvent} first), then whatever else arrives within a second: a filtered-out key would be among them.
   */
  private List<Message> receiveUntilImportNotified(String queueUrl) {
    List<Message> received = new ArrayList<>();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (received.stream().allMatch(m -> objectCreatedKeys(m).isEmpty())) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("no ObjectCreated notification within 30 s; received " + received);
      }
      received.addAll(receive(queueUrl, 2));
    }
    received.addAll(receive(queueUrl, 1));
    return received;
  }

  private List<Message> receive(String queueUrl, int waitSeconds) {
    return sqs.receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(waitSeconds).maxNumberOfMessages(10)
        .messageSystemAttributeNamesWithStrings("All")).messages();
  }

  /** The decoded keys of a message's ObjectCreated records (none for a test event). */
  private static List<String> objectCreatedKeys(Message message) {
    List<String> keys = new ArrayList<>();
    try {
      for (JsonNode record : JSON.readTree(message.body()).path("Records")) {
        if (record.path("eventName").asText().startsWith("ObjectCreated")) {
          keys.add(URLDecoder.decode(record.path("s3").path("object").path("key").asText(), StandardCharsets.UTF_8));
        }
      }
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + message.body(), e);
    }
    return keys;
  }

  /** The template's DefinitionSubstitutions, with stand-ins: the test only starts executions. */
  private static String substitute(String definition) {
    Matcher m = PLACEHOLDER.matcher(definition);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      String value = name.endsWith("Url")
          ? "http://localhost:4566/000000000000/" + name
          : "arn:aws:lambda:us-east-1:000000000000:function:" + name;
      if (name.endsWith("TopicArn")) {
        value = "arn:aws:sns:us-east-1:000000000000:" + name;
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
