package io.cqrssuite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.adobe.testing.s3mock.S3MockApplication;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.cqrssuite.deploy.StackStatus;
import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.sync.opensearch.OpenSearchClients;
import io.cqrssuite.sync.opensearch.OpenSearchSettings;
import io.cqrssuite.testing.aws.CapturingEndpoint;
import io.cqrssuite.testing.aws.FakeCloudFormation;
import io.cqrssuite.testing.aws.LocalDynamoDb;
import io.cqrssuite.testing.aws.S3MockServer;
import io.cqrssuite.testing.engine.PostgresEngine;
import io.cqrssuite.testing.engine.TestEngines;
import io.cqrssuite.testing.lambda.FunctionSpec;
import io.cqrssuite.testing.lambda.LocalInvoker;
import io.cqrssuite.testing.lambda.SamTemplate;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.client.opensearch.OpenSearchClient;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The template's {@code SchemaMigrationFunction}, invoked as CloudFormation invokes it for {@code ReadModelSchema},
 * with the template's variables pointed at real parts: the embedded PostgreSQL and OpenSearch, S3Mock as the backup
 * bucket, dynalite holding the product data table (each test its own), an SNS endpoint recording the alarms, and CloudFormation's
 * {@code DescribeStacks} answering the status the test sets. The answer is PUT to a server on 127.0.0.1 standing in
 * for the pre-signed S3 URL. Each test on a database of its own; the catalog's migrations plus, where a test says so,
 * a {@code V2} of its own in a folder added to {@code SUITE_RDS_MIGRATIONS}.
 */
class SchemaMigrationDeployTest {
  private static final Path ROOT = SampleEvents.repositoryRoot();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BUCKET = "catalog-schema-backups";
  private static final String DATA_TABLE = "dev-catalog-product-data";
  private static final String STACK = "arn:aws:cloudformation:us-east-1:123456789012:stack/local/1";
  private static final String[] PROPERTIES = {"aws.accessKeyId", "aws.secretAccessKey", "org.springframework.boot.logging.LoggingSystem"};
  private static final Map<String, String> saved = new HashMap<>();

  private static S3MockApplication s3Server;
  private static S3Client s3;
  private LocalDynamoDb dynamoDb;

  private final List<JsonNode> answers = new CopyOnWriteArrayList<>();
  private HttpServer cloudFormation;
  private FakeCloudFormation stacks;
  private CapturingEndpoint sns;
  private PostgresEngine postgres;
  private String url;
  private String index;
  @TempDir Path migrations;

  @BeforeAll
  static void startServices() throws Exception {
    for (String name : PROPERTIES) {
      saved.put(name, System.getProperty(name));
    }
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
    // S3Mock's Spring Boot expects Logback; the suite logs through SLF4J 1.7: keep Boot's logging out.
    System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    s3Server = S3MockServer.start(BUCKET, Files.createTempDirectory("s3mock-deploy"));
    s3 = S3Client.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + s3Server.getHttpPort()))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .forcePathStyle(true)
        .build();
  }

  @AfterAll
  static void stopServices() {
    s3.close();
    s3Server.stop();
    saved.forEach((name, value) -> {
      if (value == null) {
        System.clearProperty(name);
      } else {
        System.setProperty(name, value);
      }
    });
  }

  @BeforeEach
  void start() throws Exception {
    cloudFormation = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    cloudFormation.createContext("/", exchange -> {
      try (exchange) {
        answers.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
        exchange.sendResponseHeaders(200, -1);
      }
    });
    cloudFormation.start();
    // A data table of each test's own: the health check's reconcile reads all of it.
    dynamoDb = LocalDynamoDb.start();
    dynamoDb.createTable(DATA_TABLE, "pk", "sk");
    stacks = FakeCloudFormation.start("UPDATE_IN_PROGRESS");
    sns = new CapturingEndpoint(request -> new CapturingEndpoint.Response(200, "text/xml",
        "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult><MessageId>m-1</MessageId>"
            + "</PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>"));
    postgres = TestEngines.postgres();
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    url = postgres.createDatabase("deploy_" + suffix);
    index = "deploy" + suffix;
  }

  @AfterEach
  void stop() {
    cloudFormation.stop(0);
    stacks.close();
    sns.close();
    dynamoDb.close();
  }

  @Test
  void createMigratesThroughThePipelineAndEnsuresTheIndexThenUpdateFindsNothingLeftToDo() throws Exception {
    Map<String, String> environment = environment(true);
    FunctionSpec function = function();
    RequestStreamHandler handler = LocalInvoker.instantiate(function, environment);

    LocalInvoker.Result created = LocalInvoker.invoke(handler, function, event("Create", null));
    LocalInvoker.Result updated = LocalInvoker.invoke(handler, function, event("Update", "ReadModelSchema"));

    assertThat(created.exitCode()).as(created.json()).isZero();
    assertThat(updated.exitCode()).as(updated.json()).isZero();
    assertThat(answers).hasSize(2);
    JsonNode create = answers.get(0);
    assertThat(create.path("Status").asText()).as(create.toString()).isEqualTo("SUCCESS");
    assertThat(create.path("PhysicalResourceId").asText()).isEqualTo("ReadModelSchema");
    assertThat(create.path("Data").path("applied").asInt()).isEqualTo(1);
    assertThat(create.path("Data").path("migration").asText()).isEqualTo("completed");
    assertThat(create.path("Data").path("schemaVersion").asText()).isEqualTo("1");
    assertThat(create.path("Data").path("searchAlias").asText()).isEqualTo(index);
    String backupId = create.path("Data").path("backupId").asText();
    // A new read model: its tables and history are recorded absent in the manifest, so a rollback drops them.
    assertThat(backupKeys()).as("the backup taken before the migration").containsExactly(
        prefix() + backupId + "/manifest.ndjson", prefix() + backupId + "/manifest.ndjson.sha256");
    JsonNode update = answers.get(1);
    assertThat(update.path("Status").asText()).isEqualTo("SUCCESS");
    assertThat(update.path("Data").path("applied").asInt()).isZero();
    assertThat(update.path("Data").path("migration").asText()).isEqualTo("current");
    assertThat(update.path("Data").has("backupId")).as("nothing pending: no backup").isFalse();
    assertThat(stacks.stacksAsked()).as("the Update asked whether the stack rolls back").containsExactly(STACK);
    assertThat(alarms()).as("one alarm: the completed migration").containsExactly("MigrationCompleted");

    assertThat(columns("product")).contains("id", "name", "price");
    assertThat(scalar("SELECT count(*) FROM product")).as("the canary's row is gone").isZero();
    OpenSearchClient search = OpenSearchClients.create(OpenSearchSettings.fromEnvironment(environment).orElseThrow(), "us-east-1");
    try {
      assertThat(search.indices().existsAlias(a -> a.name(index)).value()).isTrue();
      assertThat(search.indices().existsAlias(a -> a.name(index + "-write")).value()).isTrue();
    } finally {
      search._transport().close();
    }
  }

  /**
   * CloudFormation rolling a failed update back sends the old properties as an Update: with a migration pending it
   * is still left alone, no backup taken, no alarm. The same Update outside a rollback runs the pipeline.
   */
  @Test
  void anUpdateDuringTheStacksRollbackDoesNothingAndTheSameUpdateOutsideOneMigrates() throws Exception {
    Map<String, String> environment = environment(true);
    FunctionSpec function = function();
    RequestStreamHandler handler = LocalInvoker.instantiate(function, environment);
    LocalInvoker.invoke(handler, function, event("Create", null));
    Files.writeString(migrations.resolve("V2__product_sku.sql"), "ALTER TABLE product ADD COLUMN sku varchar(64);\n");
    int backups = backupKeys().size();

    stacks.status(StackStatus.UPDATE_ROLLBACK_IN_PROGRESS);
    LocalInvoker.invoke(handler, function, event("Update", "ReadModelSchema"));

    JsonNode rollback = answers.get(1);
    assertThat(rollback.path("Status").asText()).as(rollback.toString()).isEqualTo("SUCCESS");
    assertThat(rollback.path("Data").path("skipped").asText()).isEqualTo(StackStatus.UPDATE_ROLLBACK_IN_PROGRESS);
    assertThat(columns("product")).doesNotContain("sku");
    assertThat(scalar("SELECT count(*) FROM flyway_schema_history")).as("V2 not applied").isEqualTo(1);
    assertThat(backupKeys()).as("no backup taken").hasSize(backups);
    assertThat(alarms()).containsExactly("MigrationCompleted");

    stacks.status("UPDATE_IN_PROGRESS");
    LocalInvoker.invoke(handler, function, event("Update", "ReadModelSchema"));

    JsonNode update = answers.get(2);
    assertThat(update.path("Status").asText()).as(update.toString()).isEqualTo("SUCCESS");
    assertThat(update.path("Data").path("applied").asInt()).isEqualTo(1);
    assertThat(update.path("Data").path("schemaVersion").asText()).isEqualTo("2");
    assertThat(columns("product")).contains("sku");
    String backupId = update.path("Data").path("backupId").asText();
    assertThat(backupKeys()).as("the product table and Flyway's history backed up first").contains(
        prefix() + backupId + "/tables/product.ndjson", prefix() + backupId + "/tables/flyway_schema_history.ndjson");
    assertThat(alarms()).containsExactly("MigrationCompleted", "MigrationCompleted");
    assertThat(stacks.stacksAsked()).containsExactly(STACK, STACK);
  }

  /**
   * A migration the live sync cannot write through (a NOT NULL column it does not fill): the canary fails, the backup
   * is restored, what changed in the source since the backup is resynced, and CloudFormation is answered FAILED with
   * the pipeline's reason, so it rolls the deploy back (and that rollback's Update does nothing).
   */
  @Test
  void aMigrationTheSyncCannotWriteThroughIsRolledBackResyncedAndAnsweredFailed() throws Exception {
    Map<String, String> environment = environment(true);
    FunctionSpec function = function();
    RequestStreamHandler handler = LocalInvoker.instantiate(function, environment);
    LocalInvoker.invoke(handler, function, event("Create", null));
    String tenant = "PRODUCT#" + index;
    for (String code : List.of("P-1", "P-2")) {
      dynamoDb.client().putItem(r -> r.tableName(DATA_TABLE).item(Map.of(
          "pk", AttributeValue.fromS(tenant), "sk", AttributeValue.fromS(code), "version", AttributeValue.fromN("3"),
          "name", AttributeValue.fromS("product " + code), "price", AttributeValue.fromN("1200"),
          "isDeleted", AttributeValue.fromBool(false), "updatedAt", AttributeValue.fromS(Instant.now().toString()))));
    }
    Files.writeString(migrations.resolve("V2__product_region.sql"), "ALTER TABLE product ADD COLUMN region text NOT NULL;\n");

    LocalInvoker.invoke(handler, function, event("Update", "ReadModelSchema"));

    JsonNode update = answers.get(1);
    assertThat(update.path("Status").asText()).as(update.toString()).isEqualTo("FAILED");
    assertThat(update.path("Reason").asText()).contains("schema migration rolled_back at version 1", "health:", "canary", "backup ");
    assertThat(columns("product")).doesNotContain("region");
    assertThat(scalar("SELECT max(version) FROM flyway_schema_history WHERE success")).isEqualTo(1);
    assertThat(scalar("SELECT count(*) FROM product WHERE pk = '" + tenant + "' AND version = 3"))
        .as("resynced from the source after the restore").isEqualTo(2);
    assertThat(alarms()).containsExactly("MigrationCompleted", "MigrationRolledBack");
  }

  /** Without a backup bucket a pending migration is refused with the reason, and the database is left as it was. */
  @Test
  void withoutABackupBucketAPendingMigrationIsRefusedAndNothingChanges() throws Exception {
    Map<String, String> environment = environment(false);
    FunctionSpec function = function();
    RequestStreamHandler handler = LocalInvoker.instantiate(function, environment);

    LocalInvoker.invoke(handler, function, event("Create", null));

    JsonNode create = answers.get(0);
    assertThat(create.path("Status").asText()).isEqualTo("FAILED");
    assertThat(create.path("Reason").asText()).contains("SUITE_BACKUP_BUCKET is not set", "1 pending migration(s) [1 product]");
    assertThat(columns("product")).as("no table created").isEmpty();
  }

  private FunctionSpec function() throws IOException {
    List<String> unresolved = new ArrayList<>();
    return SamTemplate.load(ROOT.resolve("template.yaml")).function("SchemaMigrationFunction", Map.of("DatabaseJdbcUrl", url), unresolved);
  }

  /** The template's variables, and what a deployment's parameters and resources would give, pointed at local parts. */
  private Map<String, String> environment(boolean withBucket) throws IOException {
    Map<String, String> environment = new HashMap<>(function().environment());
    assertThat(environment).containsEntry("SUITE_RDS_URL", url).containsEntry("SUITE_BACKUP_RETENTION_DAYS", "30")
        .containsKey("SUITE_TABLE_MAPPINGS").doesNotContainKey("SUITE_RDS_SECRET_ARN");
    environment.put("SUITE_RDS_USER", postgres.user());
    environment.put("SUITE_RDS_PASSWORD", postgres.password());
    environment.put("SUITE_RDS_MIGRATIONS", "classpath:db/migration/{dialect},filesystem:" + migrations);
    environment.put("SUITE_OPENSEARCH_ENDPOINT", TestEngines.openSearch().endpoint().toString());
    environment.put("SUITE_OPENSEARCH_SIGV4", "false");
    environment.put("SUITE_OPENSEARCH_INDEX", index);
    environment.put("SUITE_OPENSEARCH_TEMPLATE", "opensearch/products-template.json");
    if (withBucket) {
      environment.put("SUITE_BACKUP_BUCKET", BUCKET);
      environment.put("SUITE_BACKUP_PREFIX", prefix());
    }
    environment.put("SUITE_COMMAND_DATA_TABLE", DATA_TABLE);
    environment.put("SUITE_ALARM_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:dev-catalog-alarms");
    environment.put("AWS_REGION", "us-east-1");
    environment.put("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:" + s3Server.getHttpPort());
    environment.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoDb.endpoint().toString());
    environment.put("AWS_ENDPOINT_URL_SNS", sns.endpoint().toString());
    environment.put("AWS_ENDPOINT_URL_CLOUDFORMATION", stacks.endpoint().toString());
    environment.put("SUITE_MIGRATION_BACKOFF_MS", "0");
    return environment;
  }

  private List<String> backupKeys() {
    return s3.listObjectsV2Paginator(r -> r.bucket(BUCKET).prefix(prefix())).contents().stream().map(o -> o.key()).toList();
  }

  /** Each test's backups under a folder of their own: the bucket is shared. */
  private String prefix() {
    return "schema-backups/" + index + "/";
  }

  /** The alarms published, by what they say happened. */
  private List<String> alarms() throws IOException {
    List<String> what = new ArrayList<>();
    for (CapturingEndpoint.Request request : sns.requests()) {
      what.add(JSON.readTree(request.form().get("Message")).path("errorClass").asText());
    }
    return what;
  }

  private List<String> columns(String table) throws Exception {
    List<String> names = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection(url, postgres.user(), postgres.password());
        ResultSet rows = connection.getMetaData().getColumns(connection.getCatalog(), null, table, null)) {
      while (rows.next()) {
        names.add(rows.getString("COLUMN_NAME"));
      }
    }
    return names;
  }

  private long scalar(String sql) throws Exception {
    try (Connection connection = DriverManager.getConnection(url, postgres.user(), postgres.password());
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private byte[] event(String type, String physicalId) {
    ObjectNode event = JSON.createObjectNode();
    event.put("RequestType", type);
    event.put("ResponseURL", "http://127.0.0.1:" + cloudFormation.getAddress().getPort() + "/response?X-Amz-Signature=x");
    event.put("StackId", STACK);
    event.put("RequestId", UUID.randomUUID().toString());
    event.put("LogicalResourceId", "ReadModelSchema");
    event.put("ResourceType", "Custom::SchemaMigration");
    if (physicalId != null) {
      event.put("PhysicalResourceId", physicalId);
    }
    event.putObject("ResourceProperties").put("SchemaVersion", "test");
    return event.toString().getBytes(StandardCharsets.UTF_8);
  }
}
