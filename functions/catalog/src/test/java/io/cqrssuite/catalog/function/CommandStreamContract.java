package io.cqrssuite.catalog.function;

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
import io.cqrssuite.reliability.stream.StreamRecordJson;
import io.cqrssuite.testing.aws.AwsEmulator;
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
import org.junit.jupiter.api.TestInstance;
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
 * {@link CommandService} to an {@link AwsEmulator}'s table with a {@code NEW_AND_OLD_IMAGES} stream, read back
 * through the Streams API (DescribeStream, GetShardIterator, GetRecords), turned into the records a stream mapping
 * delivers and handed to {@code EventFactoryFunction}'s handler, which writes the data and history tables. The same
 * sync is proven against dynalite with a clearly named stream stand-in ({@code CommandStreamSyncTest},
 * {@code CommandStreamEnginesTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CommandStreamContract {
  private static final ObjectMapper JSON = EventJson.newMapper();
  private static final String PK = "PRODUCT#acme";

  private AwsEmulator emulator;
  private DynamoDbClient dynamoDb;
  private DynamoDbStreamsClient streams;

  /** Starts the emulator with DynamoDB and its streams; called once per class. */
  abstract AwsEmulator start();

  @BeforeAll
  void startEmulator() {
    emulator = start();
    dynamoDb = emulator.client(DynamoDbClient.builder(), "DYNAMODB");
    streams = emulator.client(DynamoDbStreamsClient.builder(), "DYNAMODB");
  }

  @AfterAll
  void stopEmulator() {
    if (emulator != null) {
      emulator.close();
    }
  }

  @Test
  void commandsReadBackThroughTheStreamsApiLandInTheDataAndHistoryTables() throws Exception {
    CommandTables tables = CommandTables.named("emulated-catalog-product");
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
    Map<String, String> env = emulator.functionEnvironment();
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
  private List<ObjectNode> readStream(String streamArn, int expected) throws InterruptedException {
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
