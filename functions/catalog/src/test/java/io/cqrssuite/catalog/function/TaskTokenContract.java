package io.cqrssuite.catalog.function;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.testing.aws.AwsEmulator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A STANDARD state machine on an {@link AwsEmulator}'s Step Functions whose state is an
 * {@code sqs:sendMessage.waitForTaskToken} task following the suite's task payload convention (contract §6): the
 * message is received from the queue, handed to {@code EventFactoryFunction}'s handler as the SQS event-source
 * mapping would, and the handler answers the token with {@code SendTaskSuccess}, so the execution succeeds with the
 * handler's result. The same round trip runs on the local Step Functions harness ({@code LocalStepFunctionsTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TaskTokenContract {
  private static final ObjectMapper JSON = EventJson.newMapper();

  private AwsEmulator emulator;
  private SfnClient sfn;
  private SqsClient sqs;

  /** Starts the emulator with Step Functions (executing what it starts) and SQS; called once per class. */
  abstract AwsEmulator start();

  @BeforeAll
  void startEmulator() {
    emulator = start();
    sfn = emulator.client(SfnClient.builder(), "SFN");
    sqs = emulator.client(SqsClient.builder(), "SQS");
  }

  @AfterAll
  void stopEmulator() {
    if (emulator != null) {
      emulator.close();
    }
  }

  @Test
  void theHandlerCompletesAWaitForTaskTokenStateDeliveredOverSqs() throws Exception {
    String queueUrl = sqs.createQueue(r -> r.queueName("summary-tasks")).queueUrl();
    String queueArn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes().get(QueueAttributeName.QUEUE_ARN);
    ObjectNode body = JSON.createObjectNode();
    body.put("taskToken.$", "$$.Task.Token");
    body.put("executionId.$", "$$.Execution.Id");
    body.put("state.$", "$$.State.Name");
    body.put("type", "CSV_IMPORT_SUMMARY");
    body.put("input.$", "$");
    ObjectNode definition = JSON.createObjectNode();
    definition.put("StartAt", "Summarize");
    ObjectNode state = definition.putObject("States").putObject("Summarize");
    state.put("Type", "Task");
    state.put("Resource", "arn:aws:states:::sqs:sendMessage.waitForTaskToken");
    state.put("TimeoutSeconds", 60);
    state.putObject("Parameters").put("QueueUrl", queueUrl).set("MessageBody", body);
    state.put("End", true);
    String machine = sfn.createStateMachine(r -> r.name("summary").type("STANDARD")
        .roleArn("arn:aws:iam::" + emulator.accountId() + ":role/summary").definition(definition.toString())).stateMachineArn();

    ObjectNode input = JSON.createObjectNode();
    input.put("bucket", "catalog-imports").put("key", "imports/csv/products.csv").put("eTag", "0ae71c5f39e191095278da7bb8a0aece");
    input.putObject("plan").put("rows", 2);
    input.putArray("chunkResults").addObject().put("chunkIndex", 0).put("ok", 2).put("rejected", 0).putNull("errorsKey");
    String execution = sfn.startExecution(r -> r.stateMachineArn(machine).name("summary-1").input(input.toString())).executionArn();

    List<Message> messages = List.of();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (messages.isEmpty() && Instant.now().isBefore(deadline)) {
      messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(2).maxNumberOfMessages(1)
          .messageSystemAttributeNamesWithStrings("All")).messages();
    }
    assertThat(messages).as("the task message").hasSize(1);
    ObjectNode event = JsonNodeFactory.instance.objectNode();
    event.putArray("Records").add(AwsEmulator.sqsRecord(messages.get(0), queueArn, emulator.region()));
    ByteArrayOutputStream response = new ByteArrayOutputStream();
    new CatalogHandler(emulator.functionEnvironment())
        .handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), response, null);
    assertThat(JSON.readTree(response.toByteArray()).path("batchItemFailures")).isEmpty();

    ExecutionStatus status = ExecutionStatus.RUNNING;
    Instant done = Instant.now().plus(Duration.ofSeconds(30));
    while (status == ExecutionStatus.RUNNING && Instant.now().isBefore(done)) {
      status = sfn.describeExecution(r -> r.executionArn(execution)).status();
    }
    var described = sfn.describeExecution(r -> r.executionArn(execution));
    assertThat(described.status()).as(String.valueOf(described.cause())).isEqualTo(ExecutionStatus.SUCCEEDED);
    JsonNode output = JSON.readTree(described.output());
    assertThat(output.path("ok").asInt()).isEqualTo(2);
    assertThat(output.path("rejected").asInt(-1)).isZero();
  }
}
