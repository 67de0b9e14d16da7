package io.cqrssuite.reliability.stream;

import io.cqrssuite.testing.aws.OnFailurePointers;
import io.cqrssuite.testing.aws.StreamsApiHarness;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.failure.TransientException;
import io.cqrssuite.reliability.stream.StreamFailurePointer;
import io.cqrssuite.reliability.stream.StreamFailureResolver;
import io.cqrssuite.reliability.stream.StreamRecordJson;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/** How the resolver walks a shard, through the real SDK client and the harness's wire protocol. */
class StreamFailureResolverTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/T/stream/2026-11-01T00:00:00.000";
  private static final String SHARD = "shardId-00000001763079000000-0000";

  private StreamsApiHarness harness;
  private DynamoDbStreamsClient streams;

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

  private static List<ObjectNode> records(BigInteger first, int count) {
    List<ObjectNode> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ObjectNode record = JSON.createObjectNode();
      record.put("eventID", "e" + i);
      record.put("eventName", "INSERT");
      record.put("eventVersion", "1.1");
      record.put("eventSource", "aws:dynamodb");
      record.put("awsRegion", "us-east-1");
      ObjectNode dynamodb = record.putObject("dynamodb");
      dynamodb.put("ApproximateCreationDateTime", 1_763_080_618L + i);
      dynamodb.putObject("Keys").putObject("pk").put("S", "PRODUCT#" + i);
      dynamodb.putObject("NewImage").putObject("pk").put("S", "PRODUCT#" + i);
      dynamodb.put("SequenceNumber", first.add(BigInteger.valueOf(i)).toString());
      dynamodb.put("SizeBytes", 40);
      dynamodb.put("StreamViewType", "NEW_AND_OLD_IMAGES");
      record.put("eventSourceARN", ARN);
      records.add(record);
    }
    return records;
  }

  private StreamFailureResolver resolver(int maxEmptyPages) {
    return new StreamFailureResolver(streams, new StreamRecordJson(JSON.getNodeFactory()), maxEmptyPages);
  }

  private static StreamFailurePointer pointer(List<ObjectNode> batch) {
    return StreamFailurePointer.parse(OnFailurePointers.message(SHARD, batch, "RetryAttemptsExhausted", 11, Instant.parse("2026-11-14T00:38:06Z")), JSON);
  }

  @Test
  void followsNextShardIteratorAcrossPagesAndStopsAfterTheLastSequenceNumber() {
    // Sequence numbers gain a digit inside the range: compared as text, "1000..." would sort before "999...".
    List<ObjectNode> records = records(new BigInteger("9999999999999999000"), 2500);
    harness.append(SHARD, ARN, records);

    StreamFailureResolver.Resolution resolution = resolver(20).resolve(pointer(records.subList(10, 2401)));

    assertThat(resolution.complete()).as(resolution.missing()).isTrue();
    assertThat(resolution.records()).hasSize(2391);
    assertThat(resolution.records().get(0).get("eventID").asText()).isEqualTo("e10");
    assertThat(resolution.records().get(2390).get("eventID").asText()).isEqualTo("e2400");
    assertThat(resolution.records().get(2390).get("eventSourceARN").asText()).isEqualTo(ARN);
  }

  @Test
  void aShardThatClosedBeforeTheRangesEndIsReportedMissingNotSkipped() {
    List<ObjectNode> records = records(new BigInteger("500"), 8);
    harness.append(SHARD, ARN, records.subList(0, 5));
    harness.closeShard(ARN, SHARD);

    StreamFailureResolver.Resolution resolution = resolver(20).resolve(pointer(records.subList(2, 8)));

    assertThat(resolution.records()).extracting(r -> r.get("eventID").asText()).containsExactly("e2", "e3", "e4");
    assertThat(resolution.missing()).isEqualTo("nothing after 504 up to 507 could be read: the shard closed first");
  }

  @Test
  void anOpenShardThatStallsBeforeTheRangesEndIsLeftForARetry() {
    List<ObjectNode> records = records(new BigInteger("500"), 8);
    harness.append(SHARD, ARN, records.subList(0, 5));

    assertThatThrownBy(() -> resolver(3).resolve(pointer(records.subList(2, 8))))
        .isInstanceOf(TransientException.class)
        .hasMessageContaining("3 empty pages before reaching sequence number 507");
  }

  @Test
  void aShardThatIsGoneLeavesTheWholeRangeMissing() {
    List<ObjectNode> records = records(new BigInteger("500"), 3);

    StreamFailureResolver.Resolution resolution = resolver(20).resolve(pointer(records));

    assertThat(resolution.records()).isEmpty();
    assertThat(resolution.missing()).startsWith("the shard or stream is gone").contains("ResourceNotFoundException");
  }
}
