package io.cqrssuite.catalog.function;

import io.cqrssuite.testing.aws.LocalStackFixture;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.command.CommandService;
import io.cqrssuite.command.CommandSettings;
import io.cqrssuite.entity.TableMappingConfig;
import io.cqrssuite.command.CommandTables;
import io.cqrssuite.command.NewCommand;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.catalog.function.CatalogHandler;
import io.cqrssuite.reliability.stream.StreamRecordJson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.junit.jupiter.Testcontainers;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The real stream path of the command side, which dynalite (no Streams API) cannot give: commands written by
 * {@link CommandService} to a LocalStack table with a {@code NEW_AND_OLD_IMAGES} stream, read back through the
 * Streams API (DescribeStream, GetShardIterator, GetRecords), turned into the records a stream mapping delivers and
 * handed to {@code EventFactoryFunction}'s handler, which writes the data and history tables. Without Docker it is
 * skipped; the same sync is proven here against dynalite with a clearly named stream stand-in
 * ({@code CommandStreamSyncTest}, {@code CommandStreamEnginesTest}).
 */
@Testcontainers(disabledWithoutDocker = true)
class CommandStreamLocalStackTest {
  private static final ObjectMapper JSON = EventJson.newMapper();
  private static final String PK = "PRODUCT#acme";

  private static LocalStackContainer localstack;
  private static LocalStackFixture fixture;
  private static DynamoDbClient dynamoDb;
  private static DynamoDbStreamsClient streams;

  @BeforeAll
  static void start() {
    localstack = new LocalStackContainer(LocalStackFixture.IMAGE).withServices(LocalStackContainer.Service.DYNAMODB);
    localstack.start();
    fixture = new LocalStackFixture(localstack);
    dynamoDb = fixture.client(DynamoDbClient.builder(), "DYNAMODB");
    streams = fixture.client(DynamoDbStreamsClient.builder(), "DYNAMODB");
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
  void commandsReadBackThroughTheStreamsApiLandInTheDataAndHistoryTables() throws Exception {
    CommandTables tables = CommandTables.named("ls-catalog-product");
    for (String table : List.of(tables.command(), tables.data(), tables.history())) {
      boolean command = table.equals(tables.command());
      dynamoDb.createTable(r -> {
        r.tableName(table)
            .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S), a -> a.attributeName("sk").attributeType(ScalarAttributeType.S))
            .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH), k -> k.attributeName("sk").keyType(KeyType.RANGE))
            .billingMode(BillingMode.PAY_PER_REQUEST);
        if (command) {
          r.streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES));
        }
      });
      dynamoDb.waiter().waitUntilTableExists(r -> r.tableName(table));
    }
    Map<String, String> env = fixture.functionEnvironment();
    env.put(CommandSettings.TABLE, tables.command());
    env.put(CommandSettings.DATA_TABLE, tables.data());
    env.put(CommandSettings.HISTORY_TABLE, tables.history());
    env.put(TableMappingConfig.VARIABLE, TableMappingConfig.format(tables.tableMappings("product")));
    CommandService service = new CommandService(dynamoDb, (software.amazon.awssdk.services.s3.S3Client) null,
        CommandSettings.fromEnvironment(env).orElseThrow(), JSON, Clock.systemUTC());

    service.publish(NewCommand.of(PK, "P-700", JSON.createObjectNode().put("name", "lamp").put("price", 2_500)));
    service.publishPartial(PK, "P-700", 1L, JSON.createObjectNode().put("price", 2_700));

    String streamArn = dynamoDb.describeTable(r -> r.tableName(tables.command())).table().latestStreamArn();
    List<ObjectNode> records = readStream(streamArn, 2);
    assertThat(records).extracting(r -> r.path("eventName").asText()).containsExactly("INSERT", "INSERT");

    ObjectNode event = JsonNodeFactory.instance.objectNode();
    ArrayNode array = event.putArray("Records");
    records.forEach(array::add);
    ByteArrayOutputStream response = new ByteArrayOutputStream();
    new CatalogHandler(env).handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), response, null);
    JsonNode answer = JSON.readTree(response.toByteArray());
    assertThat(answer.path("batchItemFailures")).as(answer.toString()).isEmpty();

    Map<String, AttributeValue> data = dynamoDb.getItem(r -> r.tableName(tables.data())
        .key(Map.of("pk", AttributeValue.fromS(PK), "sk", AttributeValue.fromS("P-700"))).consistentRead(true)).item();
    assertThat(data.get("version").n()).isEqualTo("2");
    assertThat(data.get("price").n()).isEqualTo("2700");
    Map<String, AttributeValue> history = dynamoDb.getItem(r -> r.tableName(tables.history())
        .key(Map.of("pk", AttributeValue.fromS(PK), "sk", AttributeValue.fromS("P-700@0000000001"))).consistentRead(true)).item();
    assertThat(history.get("price").n()).isEqualTo("2500");
  }

  /** Every shard from its trim horizon, polled until {@code expected} records arrived (LocalStack's stream lags a little). */
  private static List<ObjectNode> readStream(String streamArn, int expected) throws InterruptedException {
    StreamRecordJson json = new StreamRecordJson(JsonNodeFactory.instance);
    List<ObjectNode> records = new ArrayList<>();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (records.size() < expected && Instant.now().isBefore(deadline)) {
      records.clear();
      for (var shard : streams.describeStream(r -> r.streamArn(streamArn)).streamDescription().shards()) {
        String iterator = streams.getShardIterator(r -> r.streamArn(streamArn).shardId(shard.shardId())
            .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        for (int page = 0; iterator != null && page < 10; page++) {
          String current = iterator;
          var result = streams.getRecords(r -> r.shardIterator(current));
          for (Record record : result.records()) {
            records.add(json.lambdaRecord(record, streamArn));
          }
          iterator = result.records().isEmpty() ? null : result.nextShardIterator();
        }
      }
      if (records.size() < expected) {
        Thread.sleep(200);
      }
    }
    return records;
  }
}
