package io.cqrssuite.catalog.function;

import io.cqrssuite.reliability.stream.StreamRecordJson;
import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.testing.aws.LocalDynamoDb;
import static org.assertj.core.api.Assertions.assertThat;

import com.adobe.testing.s3mock.S3MockApplication;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.command.CommandService;
import io.cqrssuite.command.CommandSettings;
import io.cqrssuite.command.CommandTables;
import io.cqrssuite.command.NewCommand;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.catalog.function.CatalogHandler;
import io.cqrssuite.testing.engine.PostgresEngine;
import io.cqrssuite.testing.engine.TestEngines;
import io.cqrssuite.sync.opensearch.OpenSearchClients;
import io.cqrssuite.sync.opensearch.OpenSearchIndexes;
import io.cqrssuite.sync.opensearch.OpenSearchSettings;
import io.cqrssuite.sync.rds.PasswordSource;
import io.cqrssuite.sync.rds.SchemaMigrations;
import io.cqrssuite.sync.rds.SqlDialect;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import io.cqrssuite.entity.TableMappingConfig;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The command side through {@code EventFactoryFunction}'s own handler and object graph, with the template's
 * {@code SUITE_COMMAND_*} variables: commands written by {@link CommandService} to dynalite (large attributes to
 * S3Mock), turned into the exact stream JSON, synced into the data and history tables and into PostgreSQL and
 * OpenSearch (the embedded engines), delivered twice and out of order.
 */
class CommandStreamEnginesTest {
  /** Items as the stream's JSON writes them: the one conversion the suite has (reliability.stream). */
  private static final StreamRecordJson STREAM_JSON = new StreamRecordJson(JsonNodeFactory.instance);
  private static final String PK = "PRODUCT#acme";
  private static final String BUCKET = "catalog-commands";
  private static final ObjectMapper JSON = EventJson.newMapper();
  private static final String[] PROPERTIES = {"aws.accessKeyId", "aws.secretAccessKey", "org.springframework.boot.logging.LoggingSystem"};
  private static final Map<String, String> savedProperties = new LinkedHashMap<>();
  private static LocalDynamoDb dynalite;
  private static S3MockApplication s3Server;
  private static DynamoDbClient dynamoDb;
  private static S3Client s3;
  private static CommandTables tables;
  private static CommandService service;
  private static CatalogHandler handler;
  private static String jdbcUrl;
  private static String endpoint;
  private static String index;

  @BeforeAll
  static void start() throws Exception {
    for (String name : PROPERTIES) {
      savedProperties.put(name, System.getProperty(name));
    }
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
    System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    dynalite = LocalDynamoDb.start(LocalDynamoDb.cli(System.getenv(), SampleEvents.repositoryRoot()).orElseThrow(() -> new IllegalStateException(LocalDynamoDb.INSTALL_HINT)));
    Map<String, Object> properties = new HashMap<>();
    properties.put(S3MockApplication.PROP_HTTP_PORT, S3MockApplication.RANDOM_PORT);
    properties.put(S3MockApplication.PROP_HTTPS_PORT, S3MockApplication.RANDOM_PORT);
    properties.put(S3MockApplication.PROP_INITIAL_BUCKETS, BUCKET);
    properties.put(S3MockApplication.PROP_ROOT_DIRECTORY, Files.createTempDirectory("s3mock-command-engines").toString());
    properties.put(S3MockApplication.PROP_SILENT, true);
    properties.put("server.address", "127.0.0.1");
    s3Server = S3MockApplication.start(properties);

    PostgresEngine postgres = TestEngines.postgres();
    jdbcUrl = postgres.createDatabase("cmd_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8));
    new SchemaMigrations(jdbcUrl, postgres.user(), PasswordSource.fixed(postgres.password()))
        .migrate(SchemaMigrations.classpathLocation(SqlDialect.forJdbcUrl(jdbcUrl)));
    endpoint = TestEngines.openSearch().endpoint().toString().replaceAll("/+$", "");
    index = "cmd" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);

    tables = CommandTables.named("dev-catalog-product");
    Map<String, String> env = new HashMap<>();
    env.put("AWS_REGION", "us-east-1");
    env.put("SUITE_LOG_LEVEL", "ERROR");
    env.put("SUITE_AWS_MAX_ATTEMPTS", "1");
    env.put("AWS_ENDPOINT_URL_DYNAMODB", dynalite.endpoint().toString());
    env.put("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:" + s3Server.getHttpPort());
    env.put("SUITE_RDS_URL", jdbcUrl);
    env.put("SUITE_RDS_USER", postgres.user());
    env.put("SUITE_RDS_PASSWORD", postgres.password());
    env.put("SUITE_OPENSEARCH_ENDPOINT", endpoint);
    env.put("SUITE_OPENSEARCH_INDEX", index);
    env.put("SUITE_OPENSEARCH_TEMPLATE", "opensearch/products-template.json");
    // As the template sets them.
    env.put(CommandSettings.TABLE, tables.command());
    env.put(CommandSettings.DATA_TABLE, tables.data());
    env.put(CommandSettings.HISTORY_TABLE, tables.history());
    env.put(CommandSettings.BUCKET, BUCKET);
    env.put(CommandSettings.OFFLOAD_BYTES, "1024");
    env.put(TableMappingConfig.VARIABLE, TableMappingConfig.format(tables.tableMappings("product")));
    OpenSearchSettings search = OpenSearchSettings.fromEnvironment(env).orElseThrow();
    new OpenSearchIndexes(OpenSearchClients.create(search, "us-east-1"), search.indexNames(), OpenSearchIndexes.template(search.templateResource()))
        .ensure();

    AwsClients clients = new AwsClients(AwsSettings.fromEnvironment(env));
    dynamoDb = clients.configure(DynamoDbClient.builder(), "DYNAMODB")
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build();
    s3 = clients.configure(S3Client.builder(), "S3").forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build();
    for (String table : List.of(tables.command(), tables.data(), tables.history())) {
      dynamoDb.createTable(r -> r.tableName(table)
          .attributeDefinitions(
              a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
              a -> a.attributeName("sk").attributeType(ScalarAttributeType.S))
          .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH), k -> k.attributeName("sk").keyType(KeyType.RANGE))
          .billingMode(BillingMode.PAY_PER_REQUEST));
    }
    service = new CommandService(dynamoDb, s3, CommandSettings.fromEnvironment(env).orElseThrow(), JSON, Clock.systemUTC());
    handler = new CatalogHandler(env);
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {dynamoDb, s3, dynalite}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception ignored) {
          // closing test clients; nothing to keep
        }
      }
    }
    if (s3Server != null) {
      s3Server.stop();
    }
    savedProperties.forEach((name, value) -> {
      if (value == null) {
        System.clearProperty(name);
      } else {
        System.setProperty(name, value);
      }
    });
  }

  @Test
  void threeCommandsLandInDataHistoryPostgresAndOpenSearchWithTheOffloadedDescriptionResolved() throws Exception {
    String description = "Stainless steel, 1.7 litres, whistles when it boils. ".repeat(60);
    ObjectNode v1 = JSON.createObjectNode().put("name", "kettle").put("price", 3_900).put("description", description);
    service.publish(NewCommand.of(PK, "P-100", v1));
    service.publishPartial(PK, "P-100", 1L, JSON.createObjectNode().put("price", 4_200));
    service.publishPartial(PK, "P-100", 2L, JSON.createObjectNode().put("category", "kitchen"));
    List<ObjectNode> records = inserts("P-100");
    assertThat(records).hasSize(3);

    // Newest first, the oldest late, then the whole log again: what Lambda may deliver.
    assertThat(deliver(List.of(records.get(2), records.get(1)))).isEmpty();
    assertThat(deliver(List.of(records.get(0)))).isEmpty();
    assertThat(deliver(records)).isEmpty();

    Map<String, AttributeValue> data = dynamoDb.getItem(r -> r.tableName(tables.data())
        .key(Map.of("pk", AttributeValue.fromS(PK), "sk", AttributeValue.fromS("P-100"))).consistentRead(true)).item();
    assertThat(data.get("version").n()).isEqualTo("3");
    assertThat(data.get("description").m()).containsOnlyKeys("$s3");
    List<String> history = dynamoDb.query(r -> r.tableName(tables.history())
            .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(PK))).consistentRead(true))
        .items().stream().map(i -> i.get("sk").s()).toList();
    assertThat(history).containsExactly("P-100@0000000001", "P-100@0000000002");

    try (Connection connection = DriverManager.getConnection(jdbcUrl, TestEngines.postgres().user(), TestEngines.postgres().password());
        PreparedStatement select = connection.prepareStatement("SELECT version, price, category, description FROM product WHERE id = ?")) {
      select.setString(1, PK + "#P-100");
      try (ResultSet row = select.executeQuery()) {
        assertThat(row.next()).isTrue();
        assertThat(row.getLong("version")).isEqualTo(3);
        assertThat(row.getLong("price")).isEqualTo(4_200);
        assertThat(row.getString("category")).isEqualTo("kitchen");
        assertThat(row.getString("description")).isEqualTo(description);
      }
    }

    HttpResponse<String> document = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(endpoint + "/" + index + "-write/_doc/" + URLEncoder.encode(PK + "#P-100", StandardCharsets.UTF_8))).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(document.statusCode()).as(document.body()).isEqualTo(200);
    JsonNode source = JSON.readTree(document.body()).path("_source");
    assertThat(source.path("version").asLong()).isEqualTo(3);
    assertThat(source.path("description").asText()).isEqualTo(description);
    assertThat(source.path("category").asText()).isEqualTo("kitchen");
  }

  /** Lambda's response to one delivery: the reported failures. */
  private static List<String> deliver(List<ObjectNode> records) throws Exception {
    ObjectNode event = JSON.createObjectNode();
    ArrayNode array = event.putArray("Records");
    records.forEach(array::add);
    ByteArrayOutputStream response = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), response, null);
    List<String> failed = new ArrayList<>();
    JSON.readTree(response.toByteArray()).path("batchItemFailures").forEach(f -> failed.add(f.path("itemIdentifier").asText()));
    return failed;
  }

  /** The stream's INSERT records of an entity's stored commands, in version order, as a NEW_AND_OLD_IMAGES mapping delivers them. */
  private static List<ObjectNode> inserts(String code) {
    List<Map<String, AttributeValue>> items = dynamoDb.query(r -> r.tableName(tables.command())
            .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
            .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(PK), ":prefix", AttributeValue.fromS(code + "@")))
            .consistentRead(true))
        .items();
    List<ObjectNode> records = new ArrayList<>();
    long sequence = 7_200_000_000_000_000_000L;
    for (Map<String, AttributeValue> item : items) {
      ObjectNode record = JsonNodeFactory.instance.objectNode();
      sequence += 100;
      record.put("eventID", Long.toHexString(sequence));
      record.put("eventName", "INSERT");
      record.put("eventVersion", "1.1");
      record.put("eventSource", "aws:dynamodb");
      record.put("awsRegion", "us-east-1");
      ObjectNode dynamodb = record.putObject("dynamodb");
      dynamodb.put("ApproximateCreationDateTime", Instant.now().getEpochSecond());
      dynamodb.putObject("Keys").set("pk", STREAM_JSON.attributeValue(item.get("pk")));
      ((ObjectNode) dynamodb.get("Keys")).set("sk", STREAM_JSON.attributeValue(item.get("sk")));
      dynamodb.set("NewImage", STREAM_JSON.item(item));
      dynamodb.put("SequenceNumber", Long.toString(sequence));
      dynamodb.put("SizeBytes", 400);
      dynamodb.put("StreamViewType", "NEW_AND_OLD_IMAGES");
      record.put("eventSourceARN", "arn:aws:dynamodb:us-east-1:123456789012:table/" + tables.command() + "/stream/2026-11-25T00:00:00.000");
      records.add(record);
    }
    return records;
  }
}
