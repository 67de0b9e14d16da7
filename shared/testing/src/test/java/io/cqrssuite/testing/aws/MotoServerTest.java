package io.cqrssuite.testing.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * How moto's server is found and started, and the gaps between moto 5.2.1 and AWS that the moto tests work around,
 * pinned as observed: when one of the gap tests fails after an upgrade, moto closed the gap, and the tests that
 * avoid it (and docs/testing.md) can be revisited.
 */
class MotoServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void suiteMotoServerWinsOverTheVenvAndThePath(@TempDir Path root) throws Exception {
    Path venv = executable(root.resolve(MotoServer.VENV_BINARY));
    Path bin = executable(root.resolve("bin/moto_server"));

    assertThat(MotoServer.command(Map.of("SUITE_MOTO_SERVER", "/opt/moto/moto_server", "PATH", bin.getParent().toString()), root))
        .containsExactly("/opt/moto/moto_server");
    assertThat(MotoServer.command(Map.of("PATH", bin.getParent().toString()), root.resolve("functions/catalog")))
        .as("the venv ./suite test installs, above the module's directory").containsExactly(venv.toString());
    Files.delete(venv);
    assertThat(MotoServer.command(Map.of("PATH", "/nowhere:" + bin.getParent()), root)).containsExactly(bin.toString());
    assertThat(MotoServer.command(Map.of("PATH", "/nowhere"), root)).containsExactly("python3", "-m", "moto.server");
  }

  @Test
  void aMissingServerFailsWithTheInstallHint(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> MotoServer.start(List.of(dir.resolve("moto_server").toString())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(MotoServer.INSTALL_HINT);
    Path exits = Files.writeString(dir.resolve("no-moto"), "#!/bin/sh\necho 'No module named moto' >&2\nexit 1\n");
    Files.setPosixFilePermissions(exits, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThatThrownBy(() -> MotoServer.start(List.of(exits.toString())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(MotoServer.INSTALL_HINT)
        .hasMessageContaining("exited with status 1")
        .hasMessageContaining("No module named moto");
  }

  @Test
  void s3NotificationsLackSequencerAndUserIdentityAndTheirTimeHasNoZone() throws Exception {
    try (MotoServer moto = MotoServer.start();
        S3Client s3 = moto.client(S3Client.builder(), "S3");
        SqsClient sqs = moto.client(SqsClient.builder(), "SQS")) {
      String queueUrl = sqs.createQueue(r -> r.queueName("notifications")).queueUrl();
      String queueArn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
          .attributes().get(QueueAttributeName.QUEUE_ARN);
      s3.createBucket(r -> r.bucket("gaps"));
      assertThatThrownBy(() -> s3.putBucketNotificationConfiguration(r -> r.bucket("gaps").notificationConfiguration(n -> n
              .queueConfigurations(q -> q.queueArn(queueArn).events(Event.S3_OBJECT_CREATED)
                  .filter(f -> f.key(k -> k.filterRules(rule -> rule.name("Prefix").value("in/"))))))))
          .as("capitalised rule names, which S3 and the SDK's FilterRuleName use")
          .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(500));
      s3.putBucketNotificationConfiguration(r -> r.bucket("gaps").notificationConfiguration(n -> n
          .queueConfigurations(q -> q.queueArn(queueArn).events(Event.S3_OBJECT_CREATED))));
      s3.putObject(r -> r.bucket("gaps").key("in/a b.csv"), RequestBody.fromString("x"));

      List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(5)).messages();
      JsonNode record = messages.stream().map(m -> read(m.body())).filter(b -> b.has("Records")).findFirst().orElseThrow()
          .path("Records").path(0);

      assertThat(record.path("s3").path("object").has("sequencer")).isFalse();
      assertThat(record.has("userIdentity")).isFalse();
      assertThat(record.has("requestParameters") || record.has("responseElements")).isFalse();
      assertThat(record.path("s3").path("object").path("key").asText()).as("S3 writes in/a+b.csv").isEqualTo("in%2Fa+b.csv");
      String time = record.path("eventTime").asText();
      assertThat(time).doesNotEndWith("Z");
      assertThatThrownBy(() -> Instant.parse(time)).isInstanceOf(DateTimeParseException.class);
    }
  }

  @Test
  void aStreamIsOneOpenShardAndTtlExpiresNothing() {
    try (MotoServer moto = MotoServer.start();
        DynamoDbClient dynamo = moto.client(DynamoDbClient.builder(), "DYNAMODB");
        DynamoDbStreamsClient streams = moto.client(DynamoDbStreamsClient.builder(), "DYNAMODB")) {
      dynamo.createTable(r -> r.tableName("gaps")
          .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
          .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
          .billingMode(BillingMode.PAY_PER_REQUEST)
          .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
      dynamo.updateTimeToLive(r -> r.tableName("gaps").timeToLiveSpecification(t -> t.attributeName("expiresAt").enabled(true)));
      assertThat(dynamo.describeTimeToLive(r -> r.tableName("gaps")).timeToLiveDescription().timeToLiveStatus())
          .as("DynamoDB says ENABLING for up to an hour").isEqualTo(TimeToLiveStatus.ENABLED);
      for (int i = 0; i < 200; i++) {
        String id = "item-" + i;
        dynamo.putItem(r -> r.tableName("gaps").item(Map.of(
            "id", AttributeValue.fromS(id), "expiresAt", AttributeValue.fromN(Long.toString(Instant.now().getEpochSecond() - 3_600)))));
      }
      String streamArn = dynamo.describeTable(r -> r.tableName("gaps")).table().latestStreamArn();

      List<Shard> shards = new ArrayList<>(streams.describeStream(r -> r.streamArn(streamArn)).streamDescription().shards());
      assertThat(shards).hasSize(1);
      assertThat(shards.get(0).parentShardId()).isNull();
      assertThat(shards.get(0).sequenceNumberRange().endingSequenceNumber()).as("never closed").isNull();
      assertThat(dynamo.scan(r -> r.tableName("gaps")).count()).as("expired an hour ago, still there").isEqualTo(200);
    }
  }

  private static Path executable(Path path) throws Exception {
    Files.createDirectories(path.getParent());
    Files.writeString(path, "#!/bin/sh\n");
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
    return path;
  }

  private static JsonNode read(String body) {
    try {
      return JSON.readTree(body);
    } catch (java.io.IOException e) {
      throw new AssertionError(body, e);
    }
  }
}
