package io.cqrssuite.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.reliability.alarm.AlarmPublisher;
import io.cqrssuite.testing.aws.MotoServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The whole pipeline on each engine, S3Mock holding the backups and the alarms published to an SNS topic (moto) with a
 * queue subscribed: a migration that adds a column completes (INFO); one whose canary health check fails, and one with
 * a syntax error, roll back to the previous schema version with the rows intact (CRITICAL), the resync called since
 * the backup's start.
 */
class MigrationPipelineTest extends MigrationFixture {
  private static MotoServer moto;
  private static SnsClient sns;
  private static SqsClient sqs;
  private static int topics;

  private String queueUrl;
  private final List<Instant> resyncedSince = new ArrayList<>();

  @BeforeAll
  static void startMoto() {
    moto = MotoServer.start();
    sns = moto.client(SnsClient.builder(), "SNS");
    sqs = moto.client(SqsClient.builder(), "SQS");
  }

  @AfterAll
  static void stopMoto() {
    if (sns != null) {
      sns.close();
    }
    if (sqs != null) {
      sqs.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  private MigrationPipeline pipeline(String scenario, HealthCheck health) {
    int n = ++topics;
    String topicArn = sns.createTopic(b -> b.name("migration-alarms-" + n)).topicArn();
    queueUrl = sqs.createQueue(b -> b.queueName("migration-inbox-" + n)).queueUrl();
    String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes().get(QueueAttributeName.QUEUE_ARN);
    sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(queueArn).attributes(Map.of("RawMessageDelivery", "true")));
    StructuredLog log = new StructuredLog("migrations-test", new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        StructuredLog.Level.INFO);
    AlarmPublisher alarms = new AlarmPublisher(sns, topicArn, null, Duration.ofMinutes(5), "migrations-test", JSON, log, Clock.systemUTC());
    FlywayMigration flyway = scenario == null ? flyway() : flyway(scenario);
    ResyncSince resync = since -> {
      resyncedSince.add(since);
      return JSON.createObjectNode().put("complete", true);
    };
    return new MigrationPipeline(
        new PreChecks(connections, flyway, Duration.ofSeconds(5), Duration.ofSeconds(30), FreeStorage.unknown()),
        backups(settings),
        flyway,
        new PostMigrationChecks(flyway, connections, List.of(mapping)),
        health,
        resync,
        alarms,
        JSON);
  }

  private CanaryHealth canary() {
    return new CanaryHealth(target, connections, "item", change("template", 1, "canary", 1), Clock.systemUTC());
  }

  private JsonNode alarm() throws Exception {
    List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(10)).messages();
    assertThat(messages).hasSize(1);
    return JSON.readTree(messages.get(0).body());
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void aMigrationThatAddsAColumnCompletes(String engineName) throws Exception {
    database(engineName);

    MigrationResult result = pipeline("add-column", canary()).run(List.of("item"));

    ObjectNode json = result.toJson(JSON);
    assertThat(json.path("status").asText()).as(json.toString()).isEqualTo("completed");
    assertThat(json.path("applied").asInt()).isEqualTo(1);
    assertThat(json.path("schemaVersionBefore").asText()).isEqualTo("1");
    assertThat(json.path("schemaVersionAfter").asText()).isEqualTo("2");
    assertThat(json.path("rolledBack").asBoolean()).isFalse();
    assertThat(json.path("backupId").asText()).isNotBlank();
    assertThat(json.path("stepMillis").fieldNames()).toIterable().containsExactly("preChecks", "backup", "migrate", "validate", "health");
    assertThat(columns("item")).contains("colour");
    assertThat(scalar("SELECT COUNT(*) FROM item")).as("the canary row is gone").isEqualTo(ROWS);
    assertThat(resyncedSince).isEmpty();
    JsonNode alarm = alarm();
    assertThat(alarm.path("severity").asText()).isEqualTo("INFO");
    assertThat(alarm.path("errorClass").asText()).isEqualTo("MigrationCompleted");
    assertThat(alarm.path("eventIds").toString()).contains(result.backupId());

    MigrationResult again = pipeline("add-column", canary()).run(List.of("item"));
    assertThat(again.status()).isEqualTo(MigrationResult.Status.CURRENT);
    assertThat(again.backupId()).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void aMigrationWhoseHealthCheckFailsRollsBackToThePreviousVersionWithTheRowsIntact(String engineName) throws Exception {
    database(engineName);
    List<String> before = itemRows();

    MigrationResult result = pipeline("not-null", canary()).run(List.of("item"));

    assertThat(result.status()).as(result.toJson(JSON).toString()).isEqualTo(MigrationResult.Status.ROLLED_BACK);
    assertThat(result.rolledBack()).isTrue();
    assertThat(result.applied()).isEqualTo(1);
    assertThat(result.schemaVersionAfter()).isEqualTo("1");
    assertThat(result.reason()).startsWith("health: the canary could not be written");
    assertThat(result.stepMillis()).containsKeys("health", "rollback", "resync");
    assertThat(columns("item")).doesNotContain("region");
    assertThat(columns("item_region")).as("the table the migration made is dropped").isEmpty();
    assertThat(itemRows()).isEqualTo(before);
    assertThat(resyncedSince).containsExactly(backups(settings).list().get(0).startedAt());
    JsonNode alarm = alarm();
    assertThat(alarm.path("severity").asText()).isEqualTo("CRITICAL");
    assertThat(alarm.path("errorClass").asText()).isEqualTo("MigrationRolledBack");
    // Back at version 1 with the sync working: the canary passes again.
    assertThat(canary().check().healthy()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void aMigrationWithASyntaxErrorRollsBack(String engineName) throws Exception {
    database(engineName);
    List<String> before = itemRows();

    MigrationResult result = pipeline("syntax", canary()).run(List.of("item"));

    assertThat(result.status()).as(result.toJson(JSON).toString()).isEqualTo(MigrationResult.Status.ROLLED_BACK);
    assertThat(result.reason()).startsWith("migrate: migration failed after 1 attempt(s)").contains("SQLState 42");
    assertThat(result.schemaVersionAfter()).isEqualTo("1");
    assertThat(columns("item")).doesNotContain("colour");
    assertThat(itemRows()).isEqualTo(before);
    assertThat(alarm().path("severity").asText()).isEqualTo("CRITICAL");
  }

  @Test
  void theMappingHalfRunsBeforeTheHealthCheckAndIsUndoneBeforeTheSchemaIsRestored() throws Exception {
    database("postgresql");
    List<String> events = new ArrayList<>();
    MappingMigration mapping = new MappingMigration() {
      @Override
      public String name() {
        return "search[test]";
      }

      @Override
      public ObjectNode apply() throws Exception {
        events.add("apply with columns " + columns("item").contains("region"));
        return JSON.createObjectNode().put("swapped", true);
      }

      @Override
      public ObjectNode undo() throws Exception {
        // Still on the failed schema: the search half goes back first.
        events.add("undo with columns " + columns("item").contains("region"));
        return JSON.createObjectNode().put("rolledBack", true);
      }
    };

    MigrationResult failed = pipeline("not-null", canary()).withMapping(mapping).run(List.of("item"));

    assertThat(failed.status()).as(failed.toJson(JSON).toString()).isEqualTo(MigrationResult.Status.ROLLED_BACK);
    assertThat(events).containsExactly("apply with columns true", "undo with columns true");
    assertThat(failed.stepMillis().keySet()).containsSubsequence("migrate", "validate", "mapping", "health", "mappingRollback", "rollback", "resync");
    assertThat(failed.details().path("mappingRollback").path("rolledBack").asBoolean()).isTrue();
    assertThat(columns("item")).doesNotContain("region");
    alarm();

    events.clear();
    MigrationResult nothingPending = pipeline(null, canary()).withMapping(mapping).run(List.of("item"));
    assertThat(nothingPending.status()).as("a mapping alone is a migration").isEqualTo(MigrationResult.Status.COMPLETED);
    assertThat(events).containsExactly("apply with columns false");
  }
}
