package io.cqrssuite.command;

import io.cqrssuite.testing.aws.SdkOperations;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.failure.PermanentException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A {@code {"$s3": ...}} pointer in a command image comes from a table anyone with write access to it (or to a
 * replayed dead letter) can shape: it is followed only into the command bucket, under its own entity's key, and only
 * to an object small enough to hold, which a HEAD proves before any byte is read. S3Mock and dynalite in this JVM; the
 * S3 client records every operation it is asked for.
 */
class ForgedPointersTest {
  private static final String BUCKET = "suite-commands";
  private static final String FOREIGN = "someone-elses-bucket";
  private static final String PK = "PRODUCT#acme";
  private static final String CODE = "P-001";
  private static final SdkOperations requests = new SdkOperations();
  private static CommandStores stores;
  private static DynamoDbClient dynamoDb;
  private static S3Client s3;

  private final ObjectMapper mapper = EventJson.newMapper();
  private CommandTables tables;

  @BeforeAll
  static void start() throws Exception {
    stores = CommandStores.start(BUCKET, requests);
    dynamoDb = stores.dynamoDb();
    s3 = stores.s3();
    s3.createBucket(r -> r.bucket(FOREIGN));
  }

  @AfterAll
  static void stop() {
    if (stores != null) {
      stores.close();
    }
  }

  @BeforeEach
  void freshTables() {
    tables = CommandTestTables.create(dynamoDb);
    requests.clear();
  }

  /** The service as {@code CommandModule} builds it from the environment, with {@code maxBytes} as the pointer limit. */
  private CommandService service(int maxBytes) {
    CommandSettings settings = CommandSettings.fromEnvironment(Map.of(
            CommandSettings.TABLE, tables.command(),
            CommandSettings.DATA_TABLE, tables.data(),
            CommandSettings.HISTORY_TABLE, tables.history(),
            CommandSettings.BUCKET, BUCKET,
            CommandSettings.OFFLOAD_BYTES, "1024",
            "SUITE_COMMAND_OFFLOAD_MAX_BYTES", Integer.toString(maxBytes)))
        .orElseThrow();
    return new CommandService(dynamoDb, s3, settings, mapper, Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC));
  }

  /** The key the writer gives {@code attribute} of this entity's version 1. */
  private String ownKey(String attribute, String sha256) {
    return "commands/" + tables.command() + "/" + PK + "/" + CODE + "@0000000001/" + attribute + "." + sha256 + ".json";
  }

  /** Stores {@code json} at {@code bucket/key} and returns an image whose {@code description} points at it. */
  private ObjectNode imagePointingAt(String bucket, String key, String json) {
    byte[] content = json.getBytes(StandardCharsets.UTF_8);
    s3.putObject(r -> r.bucket(bucket).key(key).contentType("application/json"), RequestBody.fromBytes(content));
    return imageWithPointer(bucket, key, CommandImages.sha256(content), content.length);
  }

  private ObjectNode imageWithPointer(String bucket, String key, String sha256, long bytes) {
    ObjectNode image = mapper.createObjectNode();
    image.put("pk", PK).put("code", CODE).put("version", 1).put("name", "kettle");
    image.putObject("description").putObject("$s3").put("bucket", bucket).put("key", key).put("sha256", sha256).put("bytes", bytes);
    requests.clear();
    return image;
  }

  @Test
  void aPointerIntoAnotherBucketIsRefusedWithoutAnyRequest() {
    String secret = "\"the other bucket's secret\"";
    ObjectNode image = imagePointingAt(FOREIGN, ownKey("description", CommandImages.sha256(secret.getBytes(StandardCharsets.UTF_8))), secret);

    assertThatThrownBy(() -> service(1 << 20).images().resolve(image))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("'description'")
        .hasMessageContaining("bucket '" + FOREIGN + "' is not the command bucket '" + BUCKET + "'");
    assertThat(requests.operations()).isEmpty();
  }

  @Test
  void aPointerOutsideItsEntitysKeysIsRefusedWithoutAnyRequest() {
    String secret = "\"another entity's or another application's value\"";
    String sha256 = CommandImages.sha256(secret.getBytes(StandardCharsets.UTF_8));
    List<String> keys = List.of(
        "secrets/" + sha256 + ".json",
        ownKey("description", sha256).replace("/" + CODE + "@0000000001/", "/" + CODE + "@0000000001/../../../../secrets/"),
        "/" + ownKey("description", sha256),
        ownKey("description", sha256).replace(PK, "PRODUCT#other"),
        ownKey("description", sha256).replace(tables.command(), "another-command"),
        ownKey("description", "0".repeat(64)));
    CommandService service = service(1 << 20);
    for (String key : keys) {
      ObjectNode image = imagePointingAt(BUCKET, key, secret);

      assertThatThrownBy(() -> service.images().resolve(image))
          .as(key)
          .isInstanceOf(PermanentException.class)
          .hasMessageContaining("'description'")
          .hasMessageContaining("is not a key the command side writes for " + PK + "#" + CODE);
      assertThat(requests.operations()).as(key).isEmpty();
    }
  }

  @Test
  void aPointerThatSaysItIsOverTheLimitIsRefusedWithoutAnyRequest() {
    String large = "\"" + "x".repeat(5000) + "\"";
    ObjectNode image = imagePointingAt(BUCKET, ownKey("description", CommandImages.sha256(large.getBytes(StandardCharsets.UTF_8))), large);

    assertThatThrownBy(() -> service(2048).images().resolve(image))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("'description'")
        .hasMessageContaining("5002 bytes, over the limit of 2048 (SUITE_COMMAND_OFFLOAD_MAX_BYTES)");
    assertThat(requests.operations()).isEmpty();
  }

  @Test
  void anObjectOverTheLimitBehindAPointerThatUnderstatesItIsRefusedAfterAHeadAndNeverRead() {
    String large = "\"" + "x".repeat(5000) + "\"";
    byte[] content = large.getBytes(StandardCharsets.UTF_8);
    String key = ownKey("description", CommandImages.sha256(content));
    s3.putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromBytes(content));
    ObjectNode image = imageWithPointer(BUCKET, key, CommandImages.sha256(content), 100);

    assertThatThrownBy(() -> service(2048).images().resolve(image))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("'description'")
        .hasMessageContaining("holds 5002 bytes, over the limit of 2048 (SUITE_COMMAND_OFFLOAD_MAX_BYTES)");
    assertThat(requests.operations()).containsExactly("HeadObject");
  }

  @Test
  void anObjectWhoseSizeIsNotThePointersIsRefusedAfterAHeadAndNeverRead() {
    String value = "\"" + "y".repeat(100) + "\"";
    byte[] content = value.getBytes(StandardCharsets.UTF_8);
    String key = ownKey("description", CommandImages.sha256(content));
    s3.putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromBytes(content));
    ObjectNode image = imageWithPointer(BUCKET, key, CommandImages.sha256(content), 90);

    assertThatThrownBy(() -> service(1 << 20).images().resolve(image))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("holds 102 bytes, its pointer says 90");
    assertThat(requests.operations()).containsExactly("HeadObject");
  }

  @Test
  void aPointerTheLimitAllowsStillResolves() throws Exception {
    String value = "\"" + "z".repeat(1500) + "\"";
    ObjectNode image = imagePointingAt(BUCKET, ownKey("description", CommandImages.sha256(value.getBytes(StandardCharsets.UTF_8))), value);

    assertThat(service(2048).images().resolve(image).get("description")).isEqualTo(mapper.readTree(value));
    assertThat(requests.operations()).containsExactly("HeadObject", "GetObject");
  }

  @Test
  void anAttributeOverTheLimitIsRefusedBeforeAnythingIsWritten() {
    ObjectNode image = mapper.createObjectNode();
    image.put("name", "kettle");
    image.put("description", "d".repeat(3000));

    assertThatThrownBy(() -> service(2048).publish(NewCommand.of(PK, CODE, image)))
        .isInstanceOf(CommandTooLargeException.class)
        .hasMessageContaining("'description'")
        .hasMessageContaining("SUITE_COMMAND_OFFLOAD_MAX_BYTES");
    assertThat(requests.operations()).doesNotContain("PutObject");
    assertThat(dynamoDb.scan(r -> r.tableName(tables.command())).count()).isZero();
  }
}
