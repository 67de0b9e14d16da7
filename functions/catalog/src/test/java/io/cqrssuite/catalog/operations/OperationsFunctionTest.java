package io.cqrssuite.catalog.operations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.catalog.function.OperationsHandler;
import io.cqrssuite.command.CommandTables;
import io.cqrssuite.entity.TableMappingConfig;
import io.cqrssuite.sync.rds.PasswordSource;
import io.cqrssuite.sync.rds.SchemaMigrations;
import io.cqrssuite.sync.rds.SqlDialect;
import io.cqrssuite.testing.aws.CapturingEndpoint;
import io.cqrssuite.testing.aws.LocalDynamoDb;
import io.cqrssuite.testing.engine.PostgresEngine;
import io.cqrssuite.testing.engine.TestEngines;
import io.cqrssuite.testing.lambda.FunctionSpec;
import io.cqrssuite.testing.lambda.LocalContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * OperationsFunction in process, wired as deployed (its Dagger component from the template's kind of environment), on
 * dynalite, the catalog's PostgreSQL schema and an SNS endpoint that records what is published: a resync turn with
 * little time left takes one page and the next turn goes on from its checkpoint; the scheduled reconcile stays quiet
 * on a healthy read model and on a change younger than its window, and alarms on a row damaged behind the sync's
 * back, without writing anything.
 */
class OperationsFunctionTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:dev-catalog-alarms";
  private static final String TENANT = "PRODUCT#acme";
  private static final String[] PROPERTIES = {"aws.accessKeyId", "aws.secretAccessKey"};
  private static final Map<String, String> saved = new HashMap<>();

  private static LocalDynamoDb dynalite;
  private static DynamoDbClient dynamoDb;
  private static CapturingEndpoint sns;

  private String jdbcUrl;
  private PostgresEngine postgres;
  private String dataTable;
  private Map<String, String> env;

  @BeforeAll
  static void start() {
    for (String name : PROPERTIES) {
      saved.put(name, System.getProperty(name));
      System.setProperty(name, "test");
    }
    dynalite = LocalDynamoDb.start();
    dynamoDb = LocalDynamoDb.client(dynalite.endpoint());
    sns = new CapturingEndpoint(request -> new CapturingEndpoint.Response(200, "text/xml",
        "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult><MessageId>m-1</MessageId>"
            + "</PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>"));
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable closeable : new AutoCloseable[] {sns, dynamoDb, dynalite}) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        // closing what may be half started: nothing to add to the outcome
      }
    }
    saved.forEach((name, value) -> {
      if (value == null) {
        System.clearProperty(name);
      } else {
        System.setProperty(name, value);
      }
    });
  }

  @BeforeEach
  void stack() throws Exception {
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    String base = "ops" + suffix + "-catalog-product";
    dataTable = CommandTables.named(base).data();
    LocalDynamoDb.createTable(dynamoDb, dataTable, "pk", "sk");
    String checkpoints = "ops" + suffix + "-resync-checkpoints";
    dynamoDb.createTable(r -> r.tableName(checkpoints)
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(
            a -> a.attributeName("run").attributeType(ScalarAttributeType.S),
            a -> a.attributeName("segment").attributeType(ScalarAttributeType.N))
        .keySchema(k -> k.attributeName("run").keyType(KeyType.HASH), k -> k.attributeName("segment").keyType(KeyType.RANGE)));
    postgres = TestEngines.postgres();
    jdbcUrl = postgres.createDatabase("ops_" + suffix);
    new SchemaMigrations(jdbcUrl, postgres.user(), PasswordSource.fixed(postgres.password()))
        .migrate(SchemaMigrations.classpathLocation(SqlDialect.forJdbcUrl(jdbcUrl)));
    env = new HashMap<>();
    env.put("AWS_REGION", "us-east-1");
    env.put("SUITE_LOG_LEVEL", "ERROR");
    env.put("AWS_ENDPOINT_URL_DYNAMODB", dynalite.endpoint().toString());
    env.put("AWS_ENDPOINT_URL_SNS", sns.endpoint().toString());
    env.put("SUITE_ALARM_TOPIC_ARN", TOPIC);
    env.put(TableMappingConfig.VARIABLE, TableMappingConfig.format(CommandTables.named(base).tableMappings("product")));
    env.put("SUITE_OPERATIONS_SOURCE_TABLE", dataTable);
    env.put("SUITE_RESYNC_CHECKPOINT_TABLE", checkpoints);
    env.put("SUITE_RDS_URL", jdbcUrl);
    env.put("SUITE_RDS_USER", postgres.user());
    env.put("SUITE_RDS_PASSWORD", postgres.password());
  }

  /** A product as the command side's data table holds it; {@code padding} makes it large (an attributes-column value). */
  private void product(String code, long version, String name, Instant updatedAt, int padding) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("pk", AttributeValue.fromS(TENANT));
    item.put("sk", AttributeValue.fromS(code));
    item.put("code", AttributeValue.fromS(code));
    item.put("version", AttributeValue.fromN(Long.toString(version)));
    item.put("isDeleted", AttributeValue.fromBool(false));
    item.put("name", AttributeValue.fromS(name));
    item.put("price", AttributeValue.fromN("1200"));
    item.put("category", AttributeValue.fromS("kitchen"));
    item.put("updatedAt", AttributeValue.fromS(updatedAt.toString()));
    if (padding > 0) {
      item.put("notes", AttributeValue.fromS("n".repeat(padding)));
    }
    dynamoDb.putItem(r -> r.tableName(dataTable).item(item));
  }

  private static JsonNode invoke(OperationsHandler function, JsonNode request, int secondsLeft) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    function.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(request)), out,
        new LocalContext(new FunctionSpec("OperationsFunction", OperationsHandler.class.getName(), secondsLeft, 1024, Map.of())));
    return JSON.readTree(out.toString(StandardCharsets.UTF_8));
  }

  private static ObjectNode segmentRequest(int segment, int segments) {
    ObjectNode request = JSON.createObjectNode().put("action", "resync-segment").put("execution", "resync-test").put("segment", segment).put("turn", 1);
    request.putObject("run").put("totalSegments", segments);
    return request;
  }

  private long rows(String where) throws Exception {
    try (Connection connection = DriverManager.getConnection(jdbcUrl, postgres.user(), postgres.password());
        Statement sql = connection.createStatement();
        ResultSet rows = sql.executeQuery("SELECT count(*) FROM product WHERE " + where)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  @Test
  void aResyncTurnWithLittleTimeLeftTakesOnePageAndTheNextGoesOnFromItsCheckpoint() throws Exception {
    // Some 300 KB each: a 1 MB scan page holds three or four, so the one segment is several pages.
    for (int i = 0; i < 12; i++) {
      product(String.format("P-%03d", i), 2, "product " + i, Instant.parse("2026-01-01T00:00:00Z"), 300_000);
    }
    OperationsHandler function = new OperationsHandler(env);
    // 60 s left, under the 120 s margin: every turn stops after its first page, as one about to time out would.
    JsonNode first = invoke(function, segmentRequest(0, 1), 60);
    assertThat(first.path("done").asBoolean()).isFalse();
    assertThat(first.path("turn").asInt()).as("the request is echoed for the next turn").isEqualTo(1);
    assertThat(first.path("run").path("totalSegments").asInt()).isEqualTo(1);
    long afterFirst = first.path("entities").asLong();
    assertThat(afterFirst).isBetween(1L, 11L);
    assertThat(rows("TRUE")).isEqualTo(afterFirst);

    // A new container (a retried task lands anywhere): only the checkpoint carries the segment on.
    OperationsHandler next = new OperationsHandler(env);
    int turns = 1;
    JsonNode answer = first;
    while (!answer.path("done").asBoolean()) {
      answer = invoke(next, segmentRequest(0, 1), 60);
      turns++;
      // Every turn takes a page; only the last may be empty (a scan's last key can lead to an empty page).
      assertThat(answer.path("scanned").asLong() > 0 || answer.path("done").asBoolean()).as("turn %d took a page", turns).isTrue();
      assertThat(turns).isLessThan(12);
    }
    assertThat(turns).isGreaterThan(2);
    assertThat(answer.path("entities").asLong()).isEqualTo(12);
    assertThat(rows("NOT is_deleted")).isEqualTo(12);

    // Done is kept: a repeated last turn writes nothing.
    JsonNode repeated = invoke(next, segmentRequest(0, 1), 900);
    assertThat(repeated.path("done").asBoolean()).isTrue();
    assertThat(repeated.path("written").asLong()).isZero();
  }

  @Test
  void theScheduledReconcileAlarmsOnADamagedRowAndStaysQuietOtherwise() throws Exception {
    Instant anHourAgo = Instant.now().minus(Duration.ofHours(1));
    for (int i = 0; i < 10; i++) {
      product(String.format("P-%03d", i), 2, "product " + i, anHourAgo, 0);
    }
    OperationsHandler function = new OperationsHandler(env);
    assertThat(invoke(function, segmentRequest(0, 1), 900).path("done").asBoolean()).isTrue();
    ObjectNode reconcile = JSON.createObjectNode().put("action", "reconcile");
    int published = sns.requests().size();

    JsonNode healthy = invoke(function, reconcile, 900);
    assertThat(healthy.path("differences").asInt()).isZero();
    assertThat(healthy.path("alarmed").asBoolean()).isFalse();
    assertThat(sns.requests()).hasSize(published);

    // A change the stream has not delivered yet, seconds old: the live sync's to write, no fault.
    product("P-003", 3, "renamed just now", Instant.now(), 0);
    JsonNode young = invoke(function, reconcile, 900);
    assertThat(young.path("young").asInt()).isEqualTo(1);
    assertThat(young.path("differences").asInt()).isZero();
    assertThat(young.path("alarmed").asBoolean()).isFalse();
    assertThat(sns.requests()).hasSize(published);

    // A row edited behind the sync's back, at its version: drifted, and still so on the second look.
    try (Connection connection = DriverManager.getConnection(jdbcUrl, postgres.user(), postgres.password());
        Statement sql = connection.createStatement()) {
      sql.executeUpdate("UPDATE product SET name = 'edited by hand' WHERE code = 'P-007'");
    }
    JsonNode damaged = invoke(function, reconcile, 900);
    assertThat(damaged.path("found").path("drifted").asInt()).isEqualTo(1);
    assertThat(damaged.path("alarmed").asBoolean()).isTrue();
    List<CapturingEndpoint.Request> alarms = sns.requests().subList(published, sns.requests().size());
    assertThat(alarms).hasSize(1);
    Map<String, String> form = alarms.get(0).form();
    assertThat(form.get("TopicArn")).isEqualTo(TOPIC);
    JsonNode body = JSON.readTree(form.get("Message"));
    assertThat(body.path("errorClass").asText()).isEqualTo("ReadModelDifferences");
    assertThat(body.path("errorMessage").asText()).contains("drifted").doesNotContain("edited by hand");
    assertThat(body.path("eventIds").toString()).contains(TENANT + "#P-007");
    // Without the heal setting nothing was written.
    assertThat(rows("name = 'edited by hand'")).isEqualTo(1);
  }
}
