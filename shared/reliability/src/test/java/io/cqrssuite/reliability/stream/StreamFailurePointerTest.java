package io.cqrssuite.reliability.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.event.InvalidEventException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StreamFailurePointerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** As Lambda sends it to a stream mapping's SQS on-failure destination. */
  static final String POINTER =
      """
      {"requestContext":{"requestId":"316aa6d0-8154-4e6b-8f2f-3c1b5a2a9f51",
        "functionArn":"arn:aws:lambda:eu-west-1:123456789012:function:dev-catalog-event-factory:live",
        "condition":"RetryAttemptsExhausted","approximateInvokeCount":11},
       "responseContext":{"statusCode":200,"executedVersion":"7","functionError":"Unhandled"},
       "version":"1.0","timestamp":"2026-11-14T00:38:06.021Z",
       "DDBStreamBatchInfo":{"shardId":"shardId-00000001763079000000-4b1b3c2a",
         "startSequenceNumber":"9900000000012345678901",
         "endSequenceNumber":"10000000000012345678999",
         "approximateArrivalOfFirstRecord":"2026-11-14T00:36:58Z",
         "approximateArrivalOfLastRecord":"2026-11-14T00:37:01Z","batchSize":3,
         "streamArn":"arn:aws:dynamodb:eu-west-1:123456789012:table/dev-catalog-product-command/stream/2026-11-01T00:00:00.000"}}
      """;

  @Test
  void readsWhereTheGivenUpRecordsAreAndWhyLambdaGaveUp() {
    StreamFailurePointer pointer = StreamFailurePointer.parse(POINTER, JSON);

    assertThat(pointer.requestId()).isEqualTo("316aa6d0-8154-4e6b-8f2f-3c1b5a2a9f51");
    assertThat(pointer.condition()).isEqualTo("RetryAttemptsExhausted");
    assertThat(pointer.approximateInvokeCount()).isEqualTo(11);
    assertThat(pointer.functionError()).isEqualTo("Unhandled");
    assertThat(pointer.timestamp()).isEqualTo(Instant.parse("2026-11-14T00:38:06.021Z"));
    assertThat(pointer.shardId()).isEqualTo("shardId-00000001763079000000-4b1b3c2a");
    // Longer than a long and of different lengths: only a numeric comparison orders them.
    assertThat(pointer.startSequenceNumber()).isEqualTo("9900000000012345678901");
    assertThat(pointer.endSequenceNumber()).isEqualTo("10000000000012345678999");
    assertThat(pointer.batchSize()).isEqualTo(3);
    assertThat(pointer.streamArn()).endsWith("table/dev-catalog-product-command/stream/2026-11-01T00:00:00.000");
    assertThat(pointer.range()).isEqualTo("shardId-00000001763079000000-4b1b3c2a:9900000000012345678901-10000000000012345678999");
    assertThat(pointer.raw().path("responseContext").path("statusCode").intValue()).isEqualTo(200);
  }

  @Test
  void recordAgeExceededIsAPointerToo() throws Exception {
    ObjectNode document = (ObjectNode) JSON.readTree(POINTER);
    ((ObjectNode) document.get("requestContext")).put("condition", "RecordAgeExceeded");
    assertThat(StreamFailurePointer.parse(document).condition()).isEqualTo("RecordAgeExceeded");
    assertThat(StreamFailurePointer.looksLikePointer(document)).isTrue();
  }

  @Test
  void aMessageWithoutBatchInfoIsRejectedAsNoPointer() {
    String kinesis = POINTER.replace("DDBStreamBatchInfo", "KinesisBatchInfo");
    assertThatThrownBy(() -> StreamFailurePointer.parse(kinesis, JSON))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("no DDBStreamBatchInfo");
    assertThatThrownBy(() -> StreamFailurePointer.parse("{not json", JSON))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("must be JSON");
    assertThatThrownBy(() -> StreamFailurePointer.parse("[1]", JSON))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("JSON object");
  }

  @Test
  void aMissingOrMistypedFieldIsNamed() throws Exception {
    ObjectNode noShard = (ObjectNode) JSON.readTree(POINTER);
    ((ObjectNode) noShard.get("DDBStreamBatchInfo")).remove("shardId");
    assertThatThrownBy(() -> StreamFailurePointer.parse(noShard))
        .isInstanceOf(InvalidEventException.class)
        .hasMessage("DDBStreamBatchInfo.shardId: missing");

    ObjectNode badSequence = (ObjectNode) JSON.readTree(POINTER);
    ((ObjectNode) badSequence.get("DDBStreamBatchInfo")).put("startSequenceNumber", "12e4");
    assertThatThrownBy(() -> StreamFailurePointer.parse(badSequence))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("DDBStreamBatchInfo.startSequenceNumber: must be a decimal sequence number");

    ObjectNode reversed = (ObjectNode) JSON.readTree(POINTER);
    ((ObjectNode) reversed.get("DDBStreamBatchInfo")).put("endSequenceNumber", "999");
    assertThatThrownBy(() -> StreamFailurePointer.parse(reversed))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("is after endSequenceNumber");

    ObjectNode kinesisArn = (ObjectNode) JSON.readTree(POINTER);
    ((ObjectNode) kinesisArn.get("DDBStreamBatchInfo")).put("streamArn", "arn:aws:kinesis:eu-west-1:123456789012:stream/s");
    assertThatThrownBy(() -> StreamFailurePointer.parse(kinesisArn))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("not a DynamoDB stream ARN");

    ObjectNode noCondition = (ObjectNode) JSON.readTree(POINTER);
    ((ObjectNode) noCondition.get("requestContext")).put("condition", 3);
    assertThatThrownBy(() -> StreamFailurePointer.parse(noCondition))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("requestContext.condition: must be a non-empty string");
  }
}
