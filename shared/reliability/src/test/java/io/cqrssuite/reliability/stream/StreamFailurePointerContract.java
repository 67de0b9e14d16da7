package io.cqrssuite.reliability.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.event.DataChangeEvent;
import io.cqrssuite.factory.DefaultEventFactory;
import io.cqrssuite.factory.EventDecoder;
import io.cqrssuite.factory.InboundBatch;
import io.cqrssuite.testing.aws.AwsEmulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.SdkBytes;
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
 * A pointer over a real shard, resolved through a real DynamoDB Streams API on an {@link AwsEmulator}: the
 * behaviour of the stand-in the other tests use ({@code StreamsApiHarness}) is checked against a service's. One
 * shard suffices (moto never has more), as a pointer names one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StreamFailurePointerContract {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AwsEmulator emulator;
  private DynamoDbClient dynamo;
  private DynamoDbStreamsClient streams;

  /** Starts the emulator with DynamoDB and its streams; called once per class. */
  abstract AwsEmulator start();

  @BeforeAll
  void startEmulator() {
    emulator = start();
    dynamo = emulator.client(DynamoDbClient.builder(), "DYNAMODB");
    streams = emulator.client(DynamoDbStreamsClient.builder(), "DYNAMODB");
  }

  @AfterAll
  void stopEmulator() {
    if (dynamo != null) {
      dynamo.close();
    }
    if (streams != null) {
      streams.close();
    }
    if (emulator != null) {
      emulator.close();
    }
  }

  @Test
  void aPointerOverARealShardResolvesToTheRecordsLambdaWouldHaveDelivered() throws Exception {
    String table = "dev-catalog-product-command";
    dynamo.createTable(
        b -> b.tableName(table)
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .attributeDefinitions(
                a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
                a -> a.attributeName("sk").attributeType(ScalarAttributeType.S))
            .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH), k -> k.attributeName("sk").keyType(KeyType.RANGE))
            .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
    dynamo.waiter().waitUntilTableExists(b -> b.tableName(table));
    for (int i = 1; i <= 4; i++) {
      int n = i;
      dynamo.putItem(
          b -> b.tableName(table)
              .item(
                  Map.of(
                      "pk", AttributeValue.fromS("PRODUCT#" + n),
                      "sk", AttributeValue.fromS("STATE"),
                      "version", AttributeValue.fromN(Integer.toString(n)),
                      "thumbnail", AttributeValue.fromB(SdkBytes.fromUtf8String("png" + n)),
                      "tags", AttributeValue.fromSs(List.of("a", "b" + n)),
                      "dims", AttributeValue.fromM(Map.of("w", AttributeValue.fromN("3"))),
                      "history", AttributeValue.fromL(List.of(AttributeValue.fromBool(true), AttributeValue.fromNul(true))))));
    }
    dynamo.deleteItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS("PRODUCT#2"), "sk", AttributeValue.fromS("STATE"))));
    String streamArn = dynamo.describeTable(b -> b.tableName(table)).table().latestStreamArn();
    String shardId = streams.describeStream(b -> b.streamArn(streamArn)).streamDescription().shards().get(0).shardId();

    List<Record> written = new ArrayList<>();
    String iterator =
        streams.getShardIterator(b -> b.streamArn(streamArn).shardId(shardId).shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (written.size() < 5 && iterator != null && System.nanoTime() < deadline) {
      String current = iterator;
      var page = streams.getRecords(b -> b.shardIterator(current));
      written.addAll(page.records());
      iterator = page.nextShardIterator();
    }
    assertThat(written).hasSize(5);

    ObjectNode message = JSON.createObjectNode();
    message.putObject("requestContext").put("requestId", "r-1").put("condition", "RetryAttemptsExhausted").put("approximateInvokeCount", 3);
    message.putObject("DDBStreamBatchInfo")
        .put("shardId", shardId)
        .put("startSequenceNumber", written.get(1).dynamodb().sequenceNumber())
        .put("endSequenceNumber", written.get(4).dynamodb().sequenceNumber())
        .put("batchSize", 4)
        .put("streamArn", streamArn);
    StreamFailureResolver.Resolution resolution =
        new StreamFailureResolver(streams, new StreamRecordJson(JSON.getNodeFactory())).resolve(StreamFailurePointer.parse(message));

    assertThat(resolution.complete()).as(resolution.missing()).isTrue();
    assertThat(resolution.records()).extracting(r -> r.get("eventID").asText())
        .containsExactlyElementsOf(written.subList(1, 5).stream().map(Record::eventID).toList());
    ObjectNode delivery = JSON.createObjectNode();
    delivery.putArray("Records").addAll(resolution.records());
    InboundBatch batch = new EventDecoder(JSON, new DefaultEventFactory()).decode((JsonNode) delivery);
    DataChangeEvent removed = (DataChangeEvent) batch.records().get(3).events().get(0);
    assertThat(removed.operation()).isEqualTo(DataChangeEvent.Operation.REMOVE);
    List<String> tags = new ArrayList<>();
    removed.oldImage().get("tags").forEach(t -> tags.add(t.asText()));
    assertThat(tags).containsExactlyInAnyOrder("a", "b2");
    assertThat(resolution.records().get(0).get("eventSourceARN").asText()).isEqualTo(streamArn);
  }
}
