package io.cqrssuite.reliability.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.event.DataChangeEvent;
import io.cqrssuite.event.DomainEvent;
import io.cqrssuite.factory.DefaultEventFactory;
import io.cqrssuite.factory.EventDecoder;
import io.cqrssuite.factory.InboundBatch;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Identity;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

class StreamRecordJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ARN =
      "arn:aws:dynamodb:us-east-1:123456789012:table/dev-catalog-product-command/stream/2026-11-01T00:00:00.000";
  private final StreamRecordJson converter = new StreamRecordJson(JSON.getNodeFactory());

  private static Record modify() {
    Map<String, AttributeValue> image = new LinkedHashMap<>();
    image.put("pk", AttributeValue.fromS("PRODUCT#42"));
    image.put("sk", AttributeValue.fromS("STATE"));
    image.put("price", AttributeValue.fromN("129800"));
    image.put("weight", AttributeValue.fromN("1.25"));
    image.put("thumbnail", AttributeValue.fromB(SdkBytes.fromUtf8String("png")));
    image.put("tags", AttributeValue.fromSs(List.of("red", "sale")));
    image.put("sizes", AttributeValue.fromNs(List.of("38", "40")));
    image.put("blobs", AttributeValue.fromBs(List.of(SdkBytes.fromUtf8String("a"), SdkBytes.fromUtf8String("b"))));
    image.put("dims", AttributeValue.fromM(Map.of("w", AttributeValue.fromN("3"))));
    image.put("history", AttributeValue.fromL(List.of(AttributeValue.fromS("v1"), AttributeValue.fromBool(false))));
    image.put("discontinued", AttributeValue.fromNul(true));
    image.put("active", AttributeValue.fromBool(true));
    image.put("correlationId", AttributeValue.fromS("req-7"));
    return Record.builder()
        .eventID("c81e728d9d4c2f636f067f89cc14862c")
        .eventName(OperationType.MODIFY)
        .eventVersion("1.1")
        .eventSource("aws:dynamodb")
        .awsRegion("us-east-1")
        .dynamodb(
            StreamRecord.builder()
                .approximateCreationDateTime(Instant.ofEpochSecond(1_763_080_618L))
                .keys(Map.of("pk", AttributeValue.fromS("PRODUCT#42"), "sk", AttributeValue.fromS("STATE")))
                .newImage(image)
                .oldImage(Map.of("pk", AttributeValue.fromS("PRODUCT#42"), "sk", AttributeValue.fromS("STATE"), "price", AttributeValue.fromN("99")))
                .sequenceNumber("111100000000000012345")
                .sizeBytes(412L)
                .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)
                .build())
        .build();
  }

  @Test
  void aStreamsApiRecordBecomesTheRecordLambdaDelivers() throws Exception {
    JsonNode expected =
        JSON.readTree(
            """
            {"eventID":"c81e728d9d4c2f636f067f89cc14862c","eventName":"MODIFY","eventVersion":"1.1",
             "eventSource":"aws:dynamodb","awsRegion":"us-east-1",
             "dynamodb":{"ApproximateCreationDateTime":1763080618,
               "Keys":{"pk":{"S":"PRODUCT#42"},"sk":{"S":"STATE"}},
               "NewImage":{"pk":{"S":"PRODUCT#42"},"sk":{"S":"STATE"},"price":{"N":"129800"},"weight":{"N":"1.25"},
                 "thumbnail":{"B":"cG5n"},"tags":{"SS":["red","sale"]},"sizes":{"NS":["38","40"]},
                 "blobs":{"BS":["YQ==","Yg=="]},"dims":{"M":{"w":{"N":"3"}}},
                 "history":{"L":[{"S":"v1"},{"BOOL":false}]},"discontinued":{"NULL":true},"active":{"BOOL":true},
                 "correlationId":{"S":"req-7"}},
               "OldImage":{"pk":{"S":"PRODUCT#42"},"sk":{"S":"STATE"},"price":{"N":"99"}},
               "SequenceNumber":"111100000000000012345","SizeBytes":412,"StreamViewType":"NEW_AND_OLD_IMAGES"},
             "eventSourceARN":"%s"}
            """
                .formatted(ARN));

    // Compared as the bytes Lambda would send, read back: numbers by value, not by Java type.
    assertThat(JSON.readTree(JSON.writeValueAsString(converter.lambdaRecord(modify(), ARN)))).isEqualTo(expected);
  }

  @Test
  void aTtlDeleteKeepsTheServiceIdentityInLambdasSpelling() {
    Record ttl =
        modify().toBuilder()
            .eventName(OperationType.REMOVE)
            .userIdentity(Identity.builder().type("Service").principalId("dynamodb.amazonaws.com").build())
            .dynamodb(modify().dynamodb().toBuilder().newImage((Map<String, AttributeValue>) null).approximateCreationDateTime(Instant.parse("2026-11-14T00:36:58.5Z")).build())
            .build();

    JsonNode json = converter.lambdaRecord(ttl, ARN);

    assertThat(json.get("userIdentity").toString()).isEqualTo("{\"type\":\"Service\",\"principalId\":\"dynamodb.amazonaws.com\"}");
    assertThat(json.get("dynamodb").has("NewImage")).isFalse();
    assertThat(json.get("dynamodb").get("ApproximateCreationDateTime").decimalValue()).isEqualByComparingTo("1794616618.5");
  }

  @Test
  void theSuitesOwnDecoderReadsTheConvertedRecordWithItsOriginalEventId() throws Exception {
    byte[] delivery =
        JSON.writeValueAsString(JSON.createObjectNode().set("Records", JSON.createArrayNode().add(converter.lambdaRecord(modify(), ARN))))
            .getBytes(StandardCharsets.UTF_8);

    InboundBatch batch = new EventDecoder(JSON, new DefaultEventFactory()).decode(new ByteArrayInputStream(delivery));

    DomainEvent event = batch.records().get(0).events().get(0);
    assertThat(event.eventId()).isEqualTo("c81e728d9d4c2f636f067f89cc14862c");
    DataChangeEvent change = (DataChangeEvent) event;
    assertThat(change.newImage().get("price").longValue()).isEqualTo(129800L);
    assertThat(change.sequenceNumber()).isEqualTo("111100000000000012345");
  }
}
