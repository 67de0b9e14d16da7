package io.cqrssuite.verification.streams;

import io.cqrssuite.testing.aws.StreamsApiHarness;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.verification.workload.ProductCommand;
import io.cqrssuite.verification.workload.ProductWorkloadGenerator;
import io.cqrssuite.verification.workload.StreamDeliveries;
import io.cqrssuite.verification.workload.WorkloadOptions;
import java.math.BigInteger;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/** The harness answers the real SDK client as the DynamoDB Streams API does. */
class StreamsApiHarnessTest {
  static final String SHARD = "shardId-00000001763079000000-4b1b3c2a";

  private StreamsApiHarness harness;
  private DynamoDbStreamsClient streams;

  /** Distinct records of a small workload, in sequence order, as StreamDeliveries makes them for Lambda. */
  static List<ObjectNode> records(String table, int entities) {
    WorkloadOptions options = WorkloadOptions.defaults().withEntities(entities).withVersions(3).withSeed(5);
    List<ProductCommand> log = ProductWorkloadGenerator.generate(options);
    Map<BigInteger, ObjectNode> bySequence = new TreeMap<>();
    for (ObjectNode record : new StreamDeliveries(table).records(log, options)) {
      bySequence.put(new BigInteger(record.path("dynamodb").path("SequenceNumber").asText()), record);
    }
    return List.copyOf(bySequence.values());
  }

  @BeforeEach
  void start() {
    harness = StreamsApiHarness.start();
    streams = harness.client();
  }

  @AfterEach
  void stop() {
    streams.close();
    harness.close();
  }

  @Test
  void theSdkPagesThroughAShardFromASequenceNumber() {
    List<ObjectNode> records = records("dev-catalog-product-command", 8);
    String arn = records.get(0).get("eventSourceARN").asText();
    harness.append(SHARD, arn, records);
    String from = records.get(3).path("dynamodb").path("SequenceNumber").asText();

    String iterator =
        streams.getShardIterator(b -> b.streamArn(arn).shardId(SHARD).shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER).sequenceNumber(from))
            .shardIterator();
    GetRecordsResponse first = streams.getRecords(b -> b.shardIterator(iterator).limit(5));
    GetRecordsResponse second = streams.getRecords(b -> b.shardIterator(first.nextShardIterator()).limit(5));

    assertThat(first.records()).hasSize(5);
    Record record = first.records().get(0);
    assertThat(record.eventID()).isEqualTo(records.get(3).get("eventID").asText());
    assertThat(record.dynamodb().sequenceNumber()).isEqualTo(from);
    assertThat(record.dynamodb().keys().get("pk").s()).isEqualTo(records.get(3).path("dynamodb").path("Keys").path("pk").path("S").asText());
    assertThat(record.dynamodb().approximateCreationDateTime().getEpochSecond())
        .isEqualTo(records.get(3).path("dynamodb").path("ApproximateCreationDateTime").asLong());
    assertThat(second.records().get(0).eventID()).isEqualTo(records.get(8).get("eventID").asText());
    // An open shard always hands out a next iterator, even at its tip.
    GetRecordsResponse tip = streams.getRecords(b -> b.shardIterator(iterator).limit(1000));
    assertThat(tip.records()).hasSize(records.size() - 3);
    assertThat(streams.getRecords(b -> b.shardIterator(tip.nextShardIterator())).records()).isEmpty();
  }

  @Test
  void aTtlDeleteComesBackWithTheServiceIdentity() {
    List<ObjectNode> records = records("dev-catalog-product-command", 40);
    ObjectNode ttl = records.stream().filter(r -> r.has("userIdentity")).findFirst().orElseThrow();
    harness.append(SHARD, ttl.get("eventSourceARN").asText(), List.of(ttl));

    String iterator =
        streams.getShardIterator(b -> b.streamArn(ttl.get("eventSourceARN").asText()).shardId(SHARD).shardIteratorType(ShardIteratorType.TRIM_HORIZON))
            .shardIterator();
    Record record = streams.getRecords(b -> b.shardIterator(iterator)).records().get(0);

    assertThat(record.userIdentity().type()).isEqualTo("Service");
    assertThat(record.userIdentity().principalId()).isEqualTo("dynamodb.amazonaws.com");
    assertThat(record.eventNameAsString()).isEqualTo("REMOVE");
  }

  @Test
  void readingBeforeTheTrimHorizonFailsAsOnAws() {
    List<ObjectNode> records = records("dev-catalog-product-command", 4);
    String arn = records.get(0).get("eventSourceARN").asText();
    harness.append(SHARD, arn, records);
    String oldest = records.get(0).path("dynamodb").path("SequenceNumber").asText();
    String iterator =
        streams.getShardIterator(b -> b.streamArn(arn).shardId(SHARD).shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER).sequenceNumber(oldest))
            .shardIterator();

    harness.trimBefore(records.get(2).path("dynamodb").path("SequenceNumber").asText());

    assertThatThrownBy(() -> streams.getRecords(b -> b.shardIterator(iterator)))
        .isInstanceOf(TrimmedDataAccessException.class);
    assertThatThrownBy(
            () -> streams.getShardIterator(b -> b.streamArn(arn).shardId(SHARD).shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER).sequenceNumber(oldest)))
        .isInstanceOf(TrimmedDataAccessException.class)
        .hasMessageContaining("trim horizon");
    String horizon =
        streams.getShardIterator(b -> b.streamArn(arn).shardId(SHARD).shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
    assertThat(streams.getRecords(b -> b.shardIterator(horizon)).records().get(0).eventID()).isEqualTo(records.get(2).get("eventID").asText());
  }

  @Test
  void aClosedShardEndsTheIterationAndDescribeStreamListsIt() {
    List<ObjectNode> records = records("dev-catalog-product-command", 3);
    String arn = records.get(0).get("eventSourceARN").asText();
    harness.append(SHARD, arn, records);
    harness.closeShard(arn, SHARD);

    String iterator = streams.getShardIterator(b -> b.streamArn(arn).shardId(SHARD).shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
    GetRecordsResponse all = streams.getRecords(b -> b.shardIterator(iterator));
    StreamDescription description = streams.describeStream(b -> b.streamArn(arn)).streamDescription();

    assertThat(all.records()).hasSize(records.size());
    assertThat(all.nextShardIterator()).isNull();
    assertThat(description.tableName()).isEqualTo("dev-catalog-product-command");
    assertThat(description.shards()).singleElement().satisfies(shard -> {
      assertThat(shard.shardId()).isEqualTo(SHARD);
      assertThat(shard.sequenceNumberRange().endingSequenceNumber())
          .isEqualTo(records.stream().map(r -> r.path("dynamodb").path("SequenceNumber").asText()).max(Comparator.comparing(BigInteger::new)).orElseThrow());
    });
    assertThatThrownBy(() -> streams.getShardIterator(b -> b.streamArn(arn).shardId("shardId-unknown").shardIteratorType(ShardIteratorType.LATEST)))
        .isInstanceOf(ResourceNotFoundException.class);
  }
}
