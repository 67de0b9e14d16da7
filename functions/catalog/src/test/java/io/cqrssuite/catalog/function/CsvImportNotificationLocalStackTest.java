package io.cqrssuite.catalog.function;

import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.testing.aws.LocalStackFixture;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.catalog.imports.ImportSettings;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.catalog.function.CatalogHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.junit.jupiter.Testcontainers;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.s3.model.FilterRuleName;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * S3 notification → import, with LocalStack's real S3 event: a CSV stored under {@code imports/csv/} is announced by
 * the bucket's notification (filtered on prefix and suffix, here to an SQS queue the test reads instead of a Lambda
 * trigger), the announcement goes through {@code EventFactoryFunction}'s handler, and exactly one execution of the
 * import state machine ({@code infra/statemachine/csv-import.asl.json}) starts under the deterministic name, however
 * often the notification is delivered. The workflow's Lambda tasks are not deployed here: this checks the trigger,
 * not the run (which the local Step Functions harness covers). Skipped without Docker.
 */
@Testcontainers(disabledWithoutDocker = true)
class CsvImportNotificationLocalStackTest {
  private static final ObjectMapper JSON = EventJson.newMapper();
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9]+)}");

  private static LocalStackContainer localstack;
  private static LocalStackFixture fixture;
  private static S3Client s3;
  private static SqsClient sqs;
  private static SfnClient sfn;

  @BeforeAll
  static void start() {
    localstack = new LocalStackContainer(LocalStackFixture.IMAGE).withServices(
        LocalStackContainer.Service.S3, LocalStackContainer.Service.SQS, LocalStackContainer.Service.STEPFUNCTIONS);
    localstack.start();
    fixture = new LocalStackFixture(localstack);
    s3 = S3Client.builder()
        .endpointOverride(localstack.getEndpoint())
        .region(software.amazon.awssdk.regions.Region.of(localstack.getRegion()))
        .forcePathStyle(true)
        .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(localstack.getAccessKey(), localstack.getSecretKey())))
        .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
        .build();
    sqs = fixture.client(SqsClient.builder(), "SQS");
    sfn = fixture.client(SfnClient.builder(), "SFN");
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.restore();
    }
    if (localstack != null) {
      localstack.stop();
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
        .filter(f -> f.key(k -> k.filterRules(
            rule -> rule.name(FilterRuleName.PREFIX).value("imports/csv/"),
            rule -> rule.name(FilterRuleName.SUFFIX).value(".csv")))))));

    String definition = substitute(Files.readString(Path.of(SampleEvents.repositoryRoot().toString(), "infra", "statemachine", "csv-import.asl.json")));
    String machine = sfn.createStateMachine(r -> r.name("dev-catalog-csv-import").type("STANDARD")
        .roleArn("arn:aws:iam::000000000000:role/import").definition(definition)).stateMachineArn();

    s3.putObject(r -> r.bucket(bucket).key("imports/other/ignored.csv"), RequestBody.fromString("not an import", StandardCharsets.UTF_8));
    byte[] csv = Files.readAllBytes(Path.of(SampleEvents.repositoryRoot().toString(), "events", "s3", "csv-import", "products-2026-11.csv"));
    s3.putObject(r -> r.bucket(bucket).key("imports/csv/products 2026-11.csv"), RequestBody.fromBytes(csv));

    Message notification = receiveObjectCreated(queueUrl);
    Map<String, String> env = fixture.functionEnvironment();
    env.put(ImportSettings.STATE_MACHINE_ARN, machine);
    CatalogHandler handler = new CatalogHandler(env);
    for (int delivery = 0; delivery < 2; delivery++) {
      ObjectNode event = JsonNodeFactory.instance.objectNode();
      event.putArray("Records").add(LocalStackFixture.sqsRecord(notification, queueArn, localstack.getRegion()));
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      handler.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), response, null);
      assertThat(JSON.readTree(response.toByteArray()).path("batchItemFailures")).as("delivery " + delivery).isEmpty();
    }

    List<ExecutionListItem> executions = sfn.listExecutions(r -> r.stateMachineArn(machine)).executions();
    assertThat(executions).as("one import per object version").hasSize(1);
    JsonNode input = JSON.readTree(sfn.describeExecution(r -> r.executionArn(executions.get(0).executionArn())).input());
    assertThat(input.toString()).contains(bucket).contains("imports/csv/products 2026-11.csv");
  }

  /** The ObjectCreated notification of the import (the queue also gets LocalStack's s3:TestEvent first). */
  private static Message receiveObjectCreated(String queueUrl) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (Instant.now().isBefore(deadline)) {
      for (Message message : sqs.receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(2).maxNumberOfMessages(10)
          .messageSystemAttributeNamesWithStrings("All")).messages()) {
        if (message.body().contains("ObjectCreated") && message.body().contains("imports/csv/")) {
          return message;
        }
      }
    }
    throw new AssertionError("no ObjectCreated notification for imports/csv/ within 30 s");
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
