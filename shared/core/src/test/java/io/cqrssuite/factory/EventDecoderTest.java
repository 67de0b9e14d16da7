package io.cqrssuite.factory;

import io.cqrssuite.entity.MappingException;
import io.cqrssuite.entity.Resolution;
import io.cqrssuite.fixtures.ProductTables;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.event.DataChangeEvent;
import io.cqrssuite.event.DataChangeEvent.Operation;
import io.cqrssuite.event.DomainEvent;
import io.cqrssuite.event.EventBridgeEvent;
import io.cqrssuite.event.EventSource;
import io.cqrssuite.event.InvalidEventException;
import io.cqrssuite.event.MessageAttribute;
import io.cqrssuite.event.S3ObjectEvent;
import io.cqrssuite.event.SnsMessageEvent;
import io.cqrssuite.event.SqsMessageEvent;
import io.cqrssuite.event.TaskEvent;
import io.cqrssuite.fixtures.SampleEvents;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class EventDecoderTest {
  private static final String EXECUTION =
      "arn:aws:states:ap-northeast-1:123456789012:execution:csv-import:imp-2026-11-25-abc";

  private final ObjectMapper mapper = EventJson.newMapper();
  private final EventDecoder decoder = new EventDecoder(mapper, new DefaultEventFactory());

  private InboundBatch decode(String sample) {
    return decoder.decode(SampleEvents.stream(sample));
  }

  private InboundBatch decode(JsonNode event) {
    return decoder.decode(SampleEvents.stream(event));
  }

  /** The single event of an accepted record, of the expected type. */
  private static <T extends DomainEvent> T onlyEvent(InboundRecord record, Class<T> type) {
    assertThat(record.rejection()).as("record %s must not be rejected", record.index()).isNull();
    assertThat(record.events()).hasSize(1);
    assertThat(record.events().get(0)).isInstanceOf(type);
    return type.cast(record.events().get(0));
  }

  private static <T extends DomainEvent> T onlyEvent(InboundBatch batch, Class<T> type) {
    assertThat(batch.records()).hasSize(1);
    return onlyEvent(batch.records().get(0), type);
  }

  private static List<String> itemIdentifiers(InboundBatch batch) {
    return batch.records().stream().map(InboundRecord::itemIdentifier).toList();
  }

  private static void assertNoneRejected(InboundBatch batch) {
    assertThat(batch.records()).allSatisfy(r -> assertThat(r.rejection()).as("rejection of %s", r.index()).isNull());
  }

  private static InvalidEventException rejectionOf(InboundRecord record) {
    assertThat(record.rejected()).as("record %s must be rejected", record.index()).isTrue();
    assertThat(record.rejection()).isInstanceOf(InvalidEventException.class);
    assertThat(record.events()).isEmpty();
    return (InvalidEventException) record.rejection();
  }

  @Nested
  class S3 {
    @Test
    void batchKeysAreUrlDecodedWithPlusAsSpaceAndUtf8() {
      InboundBatch batch = decode("s3/object-created-batch.json");

      assertThat(batch.source()).isEqualTo(EventSource.S3);
      assertNoneRejected(batch);
      assertThat(batch.records())
          .extracting(r -> onlyEvent(r, S3ObjectEvent.class).key())
          .containsExactly("imports/csv/products 2026-11.csv", "imports/csv/商品一覧.csv", "uploads/a+b c.txt");
    }

    @Test
    void recordFieldsAreRead() {
      S3ObjectEvent first = onlyEvent(decode("s3/object-created-batch.json").records().get(0), S3ObjectEvent.class);

      assertThat(first.bucket()).isEqualTo("catalog-imports");
      assertThat(first.eventName()).isEqualTo("ObjectCreated:Put");
      assertThat(first.isCreated()).isTrue();
      assertThat(first.size()).isEqualTo(48213L);
      assertThat(first.eTag()).isEqualTo("0ae71c5f39e191095278da7bb8a0aece");
      assertThat(first.versionId()).isEqualTo("P4Td14Z4GZm.JPPzXo4Z7kDCWJoOgui0");
      assertThat(first.eventTime()).isEqualTo(Instant.parse("2026-11-25T01:02:03.456Z"));
      assertThat(first.region()).isEqualTo("ap-northeast-1");
      assertThat(first.source()).isEqualTo(EventSource.S3);
    }

    @Test
    void eventIdComesFromBucketKeyAndSequencer() {
      InboundBatch batch = decode("s3/object-created-batch.json");
      S3ObjectEvent first = onlyEvent(batch.records().get(0), S3ObjectEvent.class);

      assertThat(first.sequencer()).isEqualTo("00D277BDEF11357F8A");
      assertThat(first.eventId()).isEqualTo("s3:catalog-imports/imports/csv/products 2026-11.csv@00D277BDEF11357F8A");
      assertThat(itemIdentifiers(batch)).containsExactly("00D277BDEF11357F8A", "00F6C2477A6326AF83", "0031B819769E1B5396");
      assertThat(batch.records()).extracting(r -> r.events().get(0).eventId()).doesNotHaveDuplicates();
    }

    @Test
    void objectRemovedWithoutSizeHasSizeMinusOne() {
      S3ObjectEvent removed = onlyEvent(decode("s3/object-removed.json"), S3ObjectEvent.class);

      assertThat(removed.size()).isEqualTo(-1L);
      assertThat(removed.eTag()).isNull();
      assertThat(removed.isRemoved()).isTrue();
      assertThat(removed.isCreated()).isFalse();
      assertThat(removed.key()).isEqualTo("imports/csv/products 2026-10.csv");
      assertThat(removed.eventId()).endsWith("@00435DB50D2FD0D38D");
    }

    @Test
    void keyWithAnInvalidPercentEscapeRejectsOnlyThatRecordWithAReason() {
      ObjectNode event = SampleEvents.tree("s3/object-created-batch.json");
      ((ObjectNode) event.at("/Records/1/s3/object")).put("key", "imports/csv/%E5%9");

      InboundBatch batch = decode(event);

      InvalidEventException e = rejectionOf(batch.records().get(1));
      assertThat(e.where()).isEqualTo("Records[1].s3.object.key");
      assertThat(e).hasMessageContaining("bad percent-escape");
      assertThat(onlyEvent(batch.records().get(0), S3ObjectEvent.class).key()).isEqualTo("imports/csv/products 2026-11.csv");
      assertThat(onlyEvent(batch.records().get(2), S3ObjectEvent.class).key()).isEqualTo("uploads/a+b c.txt");
    }

    @Test
    void keyWhoseBytesAreNotUtf8IsRejectedInsteadOfReplaced() {
      ObjectNode event = SampleEvents.tree("s3/object-created-batch.json");
      ((ObjectNode) event.at("/Records/0/s3/object")).put("key", "imports/csv/%FF%FE.csv");

      InboundBatch batch = decode(event);

      assertThat(rejectionOf(batch.records().get(0))).hasMessageContaining("not valid UTF-8");
      assertThat(batch.records().get(1).rejected()).isFalse();
    }

    @Test
    void aDamagedFirstRecordDoesNotFailTheWholeDelivery() {
      ObjectNode event = SampleEvents.tree("s3/object-created-batch.json");
      ((ObjectNode) event.at("/Records/0")).remove("eventSource");

      InboundBatch batch = decode(event);

      assertThat(batch.source()).isEqualTo(EventSource.S3);
      assertThat(rejectionOf(batch.records().get(0))).hasMessageContaining("eventSource");
      assertThat(batch.records().get(1).rejected()).isFalse();
    }
  }

  @Nested
  class Sqs {
    @Test
    void aStandardQueueWithMessageGroupIdsHasNoOrderingKey() {
      ObjectNode event = SampleEvents.tree("sqs/standard-batch.json");
      ((ObjectNode) event.at("/Records/0/attributes")).put("MessageGroupId", "tenant-a");
      ((ObjectNode) event.at("/Records/1/attributes")).put("MessageGroupId", "tenant-a");

      InboundBatch batch = decode(event);

      assertThat(batch.records()).allSatisfy(r -> assertThat(r.orderingKey()).isNull());
    }

    @Test
    void standardBatchUsesMessageIdsAsItemIdentifiers() {
      InboundBatch batch = decode("sqs/standard-batch.json");

      assertThat(batch.source()).isEqualTo(EventSource.SQS);
      assertNoneRejected(batch);
      assertThat(itemIdentifiers(batch))
          .containsExactly(
              "04d332cb-e7df-4ddb-9cfe-3d1286abfdd2",
              "664b366e-a514-4407-b17c-641b8955b44e",
              "a386bc2f-94b4-431f-ae7e-50344ef58e58");
      assertThat(batch.records())
          .extracting(r -> onlyEvent(r, SqsMessageEvent.class).messageId())
          .containsExactlyElementsOf(itemIdentifiers(batch));
      assertThat(batch.records()).extracting(InboundRecord::orderingKey).containsOnlyNulls();
      assertThat(batch.records()).extracting(InboundRecord::index).containsExactly(0, 1, 2);
    }

    @Test
    void messageTypeComesFromTheAttributeOrElseTheBody() {
      InboundBatch batch = decode("sqs/standard-batch.json");

      List<SqsMessageEvent> messages =
          batch.records().stream().map(r -> onlyEvent(r, SqsMessageEvent.class)).toList();
      assertThat(messages).extracting(SqsMessageEvent::messageType)
          .containsExactly("ORDER_CREATED", "ORDER_CREATED", "ORDER_CANCELLED");
      assertThat(messages.get(2).messageAttributes()).as("the third type is only in the body").isEmpty();
    }

    @Test
    void typeAttributeWinsOverTheBodyType() {
      ObjectNode event = SampleEvents.tree("sqs/standard-batch.json");
      ((ObjectNode) event.at("/Records/0/messageAttributes/type")).put("stringValue", "FROM_ATTRIBUTE");

      SqsMessageEvent message = onlyEvent(decode(event).records().get(0), SqsMessageEvent.class);

      assertThat(message.messageType()).isEqualTo("FROM_ATTRIBUTE");
      assertThat(message.body()).contains("\"type\":\"ORDER_CREATED\"");
    }

    @Test
    void queueAttributesAndMessageAttributesAreRead() {
      InboundBatch batch = decode("sqs/standard-batch.json");
      SqsMessageEvent first = onlyEvent(batch.records().get(0), SqsMessageEvent.class);
      SqsMessageEvent second = onlyEvent(batch.records().get(1), SqsMessageEvent.class);
      SqsMessageEvent third = onlyEvent(batch.records().get(2), SqsMessageEvent.class);

      assertThat(first.queueName()).isEqualTo("orders");
      assertThat(first.queueArn()).isEqualTo("arn:aws:sqs:ap-northeast-1:123456789012:orders");
      assertThat(first.isFifo()).isFalse();
      assertThat(first.messageGroupId()).isNull();
      assertThat(first.region()).isEqualTo("ap-northeast-1");
      assertThat(first.body()).startsWith("{\"type\":\"ORDER_CREATED\",\"orderId\":\"O-1001\"");
      assertThat(first.attributes()).containsEntry("SentTimestamp", "1795573800118").containsEntry("ApproximateReceiveCount", "1");
      assertThat(first.messageAttributes())
          .containsEntry("correlationId", new MessageAttribute("String", "53aea839-5bcb-48b2-8716-fe05babcf9b6", null));
      assertThat(second.attributes())
          .containsEntry("AWSTraceHeader", "Root=1-7554f0df-8b1c34121ca65b9c75aecf4b;Parent=c6b467d262281500;Sampled=1");
      assertThat(third.receiveCount()).isEqualTo(2);
      assertThat(first.receiveCount()).isEqualTo(1);
      assertThat(first.source()).isEqualTo(EventSource.SQS);
    }

    @Test
    void fifoBatchOrdersByMessageGroup() {
      InboundBatch batch = decode("sqs/fifo-batch.json");

      assertNoneRejected(batch);
      List<String> keys = batch.records().stream().map(InboundRecord::orderingKey).toList();
      assertThat(keys).doesNotContainNull();
      assertThat(keys.get(0)).isEqualTo(keys.get(1));
      assertThat(keys.get(2)).isEqualTo(keys.get(3));
      assertThat(keys.get(0)).isNotEqualTo(keys.get(2));

      List<SqsMessageEvent> messages =
          batch.records().stream().map(r -> onlyEvent(r, SqsMessageEvent.class)).toList();
      assertThat(messages).extracting(SqsMessageEvent::messageGroupId).containsExactly("acme", "acme", "globex", "globex");
      assertThat(messages.get(0).deduplicationId())
          .isEqualTo("06bf3e806546fb951144b4709739051e10e3f8200f2a4c0149670b5797b7804e");
      assertThat(messages.get(0).isFifo()).isTrue();
      assertThat(messages.get(0).queueName()).isEqualTo("orders.fifo");
      assertThat(messages).extracting(SqsMessageEvent::messageType)
          .containsExactly("ORDER_CREATED", "ORDER_CREATED", "ORDER_CREATED", "ORDER_CANCELLED");
    }

    @Test
    void snsEnvelopeInSqsBecomesAnSnsMessageEvent() {
      InboundBatch batch = decode("sqs/sns-enveloped.json");

      assertThat(batch.source()).as("failures are still reported the SQS way").isEqualTo(EventSource.SQS);
      assertThat(batch.records().get(0).itemIdentifier()).isEqualTo("c116fd06-2954-4268-a41c-5d951d09a299");
      SnsMessageEvent sns = onlyEvent(batch, SnsMessageEvent.class);
      assertThat(sns.source()).isEqualTo(EventSource.SNS);
      assertThat(sns.messageId()).isEqualTo("d8fb0555-986f-4b26-be31-9ae886c78ed5");
      assertThat(sns.eventId()).isEqualTo("d8fb0555-986f-4b26-be31-9ae886c78ed5");
      assertThat(sns.subject()).isEqualTo("ORDER_CREATED O-1003");
      assertThat(sns.topicArn()).isEqualTo("arn:aws:sns:ap-northeast-1:123456789012:order-events");
      assertThat(sns.topicName()).isEqualTo("order-events");
      assertThat(sns.timestamp()).isEqualTo(Instant.parse("2026-11-25T05:12:40.318Z"));
      assertThat(sns.message()).startsWith("{\"type\":\"ORDER_CREATED\",\"orderId\":\"O-1003\"");
      assertThat(sns.messageType()).isEqualTo("ORDER_CREATED");
      assertThat(sns.messageAttributes())
          .containsEntry("type", new MessageAttribute("String", "ORDER_CREATED", null))
          .containsEntry("correlationId", new MessageAttribute("String", "1fbdad1f-2785-48c9-b8db-f82c9c102248", null))
          .hasSize(2);
    }

    @Test
    void rawSnsDeliveryInSqsStaysAnSqsMessageEvent() {
      SqsMessageEvent message = onlyEvent(decode("sqs/sns-raw.json"), SqsMessageEvent.class);

      assertThat(message.messageId()).isEqualTo("d03dc459-4b79-48bd-8ffe-831d8a6eedf3");
      assertThat(message.queueName()).isEqualTo("orders-from-sns-raw");
      assertThat(message.messageType()).isEqualTo("ORDER_CREATED");
      assertThat(message.messageAttributes()).containsKey("correlationId");
    }

    @Test
    void s3NotificationInSqsBecomesAnS3ObjectEvent() {
      InboundBatch batch = decode("sqs/s3-notification.json");

      assertThat(batch.records().get(0).itemIdentifier()).isEqualTo("6ea3796f-a9d2-4df3-8fc0-b24ffe3444ce");
      S3ObjectEvent s3 = onlyEvent(batch, S3ObjectEvent.class);
      assertThat(s3.key()).isEqualTo("imports/csv/products 2026-11.csv");
      assertThat(s3.bucket()).isEqualTo("catalog-imports");
      assertThat(s3.sequencer()).isEqualTo("0076D18F18AE20D280");
      assertThat(s3.size()).isEqualTo(48213L);
    }

    @Test
    void s3TestEventIsAcceptedWithNoEvents() {
      InboundBatch batch = decode("sqs/s3-test-event.json");

      assertThat(batch.records()).hasSize(1);
      InboundRecord record = batch.records().get(0);
      assertThat(record.rejected()).isFalse();
      assertThat(record.events()).isEmpty();
      assertThat(record.itemIdentifier()).isEqualTo("75bb40d8-228f-4341-8ddd-c40b01bf307d");
    }

    @Test
    void s3ThroughSnsThroughSqsBecomesAnS3ObjectEvent() {
      S3ObjectEvent s3 = onlyEvent(decode("sqs/sns-wrapped-s3.json"), S3ObjectEvent.class);

      assertThat(s3.key()).isEqualTo("imports/csv/products 2026-12.csv");
      assertThat(s3.size()).isEqualTo(51877L);
      assertThat(s3.sequencer()).isEqualTo("0057474679AC300C6F");
      assertThat(s3.eventName()).isEqualTo("ObjectCreated:Put");
    }

    @Test
    void taskInSqsBecomesATaskEventAndTheRecordCarriesItsToken() {
      InboundBatch batch = decode("sqs/task-token.json");

      InboundRecord record = batch.records().get(0);
      TaskEvent task = onlyEvent(batch, TaskEvent.class);
      assertThat(task.taskToken()).startsWith("AQCEAAAAKgAAAAMAAAAAAAAAAjsbZcQ8GwVI7Axsn").endsWith("StZ7G2K");
      assertThat(record.taskToken()).isEqualTo(task.taskToken());
      assertThat(record.itemIdentifier()).isEqualTo("fa1e7141-139e-49cd-a13a-ff5ac61c876c");
      assertThat(task.type()).isEqualTo("CSV_IMPORT_SUMMARY");
      assertThat(task.executionId()).isEqualTo(EXECUTION);
      assertThat(task.stateName()).isEqualTo("Summarize");
      assertThat(task.eventId()).isEqualTo(EXECUTION + "#Summarize");
      assertThat(task.input().at("/chunkResults/0/ok").intValue()).isEqualTo(500);
    }

    @Test
    void recordFromAnotherSourceRejectsOnlyThatRecord() {
      ObjectNode event = SampleEvents.tree("sqs/standard-batch.json");
      ((ObjectNode) event.at("/Records/1")).put("eventSource", "aws:sns");

      InboundBatch batch = decode(event);

      InvalidEventException e = rejectionOf(batch.records().get(1));
      assertThat(e.where()).isEqualTo("Records[1].eventSource");
      assertThat(e).hasMessageContaining("SQS").hasMessageContaining("SNS");
      assertThat(batch.records().get(1).itemIdentifier()).isEqualTo("664b366e-a514-4407-b17c-641b8955b44e");
      assertThat(onlyEvent(batch.records().get(0), SqsMessageEvent.class).messageId())
          .isEqualTo("04d332cb-e7df-4ddb-9cfe-3d1286abfdd2");
      assertThat(onlyEvent(batch.records().get(2), SqsMessageEvent.class).messageId())
          .isEqualTo("a386bc2f-94b4-431f-ae7e-50344ef58e58");
    }

    @Test
    void recordWithoutBodyRejectsOnlyThatRecord() {
      ObjectNode event = SampleEvents.tree("sqs/standard-batch.json");
      ((ObjectNode) event.at("/Records/2")).remove("body");

      InboundBatch batch = decode(event);

      InvalidEventException e = rejectionOf(batch.records().get(2));
      assertThat(e.where()).isEqualTo("Records[2].body");
      assertThat(batch.records().get(2).itemIdentifier()).isEqualTo("a386bc2f-94b4-431f-ae7e-50344ef58e58");
      assertThat(batch.records().get(2).raw()).isEqualTo(event.at("/Records/2"));
      onlyEvent(batch.records().get(0), SqsMessageEvent.class);
      onlyEvent(batch.records().get(1), SqsMessageEvent.class);
    }
  }

  @Nested
  class Sns {
    @Test
    void directNotificationIsReadWithItsAttributes() {
      InboundBatch batch = decode("sns/notification.json");

      assertThat(batch.source()).isEqualTo(EventSource.SNS);
      assertThat(batch.records().get(0).itemIdentifier()).isEqualTo("fa6f265a-5261-4a39-a285-ccd28a831d55");
      SnsMessageEvent sns = onlyEvent(batch, SnsMessageEvent.class);
      assertThat(sns.messageId()).isEqualTo("fa6f265a-5261-4a39-a285-ccd28a831d55");
      assertThat(sns.subject()).isEqualTo("ORDER_CREATED O-1005");
      assertThat(sns.topicName()).isEqualTo("order-events");
      assertThat(sns.timestamp()).isEqualTo(Instant.parse("2026-11-25T09:41:27.702Z"));
      assertThat(sns.messageType()).isEqualTo("ORDER_CREATED");
      assertThat(sns.messageAttributes())
          .containsEntry("itemCount", new MessageAttribute("Number", "3", null))
          .containsEntry("type", new MessageAttribute("String", "ORDER_CREATED", null))
          .containsEntry("correlationId", new MessageAttribute("String", "e2f9a8a4-89dd-4bf4-97b7-86c07419c34a", null));
    }

    @Test
    void notificationCarryingS3BecomesAnS3ObjectEvent() {
      InboundBatch batch = decode("sns/s3-notification.json");

      S3ObjectEvent s3 = onlyEvent(batch, S3ObjectEvent.class);
      assertThat(s3.key()).isEqualTo("imports/csv/商品一覧 2026-11.csv");
      assertThat(s3.size()).isEqualTo(2290L);
      assertThat(batch.records().get(0).itemIdentifier()).isEqualTo("72e09d62-40aa-4666-9107-467d846220dd");
    }
  }

  @Nested
  class EventBridge {
    @Test
    void scheduledEventIsReadWithAnEmptyDetail() {
      InboundBatch batch = decode("eventbridge/scheduled.json");

      assertThat(batch.source()).isEqualTo(EventSource.EVENT_BRIDGE);
      EventBridgeEvent event = onlyEvent(batch, EventBridgeEvent.class);
      assertThat(event.id()).isEqualTo("e21dc850-d8de-4e30-a56d-658b9490a7a0");
      assertThat(event.eventId()).isEqualTo(event.id());
      assertThat(batch.records().get(0).itemIdentifier()).isEqualTo(event.id());
      assertThat(event.detailType()).isEqualTo("Scheduled Event");
      assertThat(event.sourceName()).isEqualTo("aws.events");
      assertThat(event.time()).isEqualTo(Instant.parse("2026-11-25T15:00:00Z"));
      assertThat(event.resources())
          .containsExactly("arn:aws:events:ap-northeast-1:123456789012:rule/product-nightly-rebuild");
      assertThat(event.detail().isObject()).isTrue();
      assertThat(event.detail().isEmpty()).isTrue();
    }

    @Test
    void customEventKeepsItsNestedDetail() {
      EventBridgeEvent event = onlyEvent(decode("eventbridge/custom.json"), EventBridgeEvent.class);

      assertThat(event.detailType()).isEqualTo("OrderShipped");
      assertThat(event.sourceName()).isEqualTo("com.acme.orders");
      assertThat(event.account()).isEqualTo("123456789012");
      assertThat(event.region()).isEqualTo("ap-northeast-1");
      assertThat(event.resources()).isEmpty();
      JsonNode detail = event.detail();
      assertThat(detail.at("/shipment/carrier/trackingNumbers/1").textValue()).isEqualTo("4411-2233-6656");
      assertThat(detail.at("/shipment/address/lines").size()).isEqualTo(2);
      assertThat(detail.at("/items/0/lots/1/lot").textValue()).isEqualTo("L-2026-11-B");
      assertThat(detail.at("/items/1/lots").isArray()).isTrue();
      assertThat(detail.at("/items/1/lots").isEmpty()).isTrue();
      assertThat(detail.at("/metadata/traceparent").isNull()).isTrue();
      assertThat(detail.at("/metadata/retries").intValue()).isZero();
    }

    @Test
    void s3ObjectCreatedThroughEventBridgeBecomesAnS3ObjectEventWithTheKeyAsIs() {
      S3ObjectEvent s3 = onlyEvent(decode("eventbridge/s3-object-created.json"), S3ObjectEvent.class);

      assertThat(s3.key()).isEqualTo("imports/csv/products 2026-11.csv");
      assertThat(s3.eventName()).isEqualTo("ObjectCreated:Put");
      assertThat(s3.bucket()).isEqualTo("catalog-imports");
      assertThat(s3.size()).isEqualTo(48213L);
      assertThat(s3.eTag()).isEqualTo("57f32afa4312c8310ce8485b7d20d2f9");
      assertThat(s3.versionId()).isEqualTo("Y4OY1oilNcW0nKR9wOmuSSlz2SHR3Zjr");
      assertThat(s3.sequencer()).isEqualTo("004468CDAF364EE38A");
      assertThat(s3.eventTime()).isEqualTo(Instant.parse("2026-11-25T01:02:03Z"));
    }

    @Test
    void eventBridgeKeysAreNotUrlDecoded() {
      ObjectNode event = SampleEvents.tree("eventbridge/s3-object-created.json");
      ((ObjectNode) event.at("/detail/object")).put("key", "uploads/a+b%2Bc.txt");

      S3ObjectEvent s3 = onlyEvent(decode(event), S3ObjectEvent.class);

      assertThat(s3.key()).isEqualTo("uploads/a+b%2Bc.txt");
    }
  }

  @Nested
  class DynamoDbStreams {
    @Test
    void commandTableBatchIsReadRecordByRecord() {
      InboundBatch batch = decode("dynamodb/product-command-changes.json");

      assertThat(batch.source()).isEqualTo(EventSource.DYNAMODB_STREAM);
      assertNoneRejected(batch);
      List<DataChangeEvent> changes =
          batch.records().stream().map(r -> onlyEvent(r, DataChangeEvent.class)).toList();
      assertThat(changes).extracting(DataChangeEvent::tableName).containsOnly(ProductTables.COMMAND);
      assertThat(changes).extracting(DataChangeEvent::operation)
          .containsExactly(Operation.INSERT, Operation.INSERT, Operation.INSERT, Operation.MODIFY);
      assertThat(itemIdentifiers(batch))
          .containsExactly(
              "4421584500000000017458535079",
              "4421584500000000017464292370",
              "4421584500000000017465402413",
              "4421584500000000017470002018");
      assertThat(changes).extracting(DataChangeEvent::sequenceNumber).containsExactlyElementsOf(itemIdentifiers(batch));
      assertThat(changes.get(0).eventId()).isEqualTo("ce19ca28b61a0097529e0b42c60e523c");
      assertThat(changes.get(0).approximateCreationTime()).isEqualTo(Instant.ofEpochSecond(1795565100));
      assertThat(changes.get(0).region()).isEqualTo("ap-northeast-1");
      assertThat(changes).extracting(DataChangeEvent::removedByTtl).containsOnly(false);
    }

    @Test
    void streamBatchIsOneOrderingScope() {
      InboundBatch batch = decode("dynamodb/product-command-changes.json");

      assertThat(batch.records()).extracting(InboundRecord::orderingKey).doesNotContainNull();
      assertThat(batch.records().stream().map(InboundRecord::orderingKey).distinct()).hasSize(1);
    }

    @Test
    void keysAndImagesAreConvertedToPlainJson() throws Exception {
      InboundBatch batch = decode("dynamodb/product-command-changes.json");
      DataChangeEvent insert = onlyEvent(batch.records().get(1), DataChangeEvent.class);
      DataChangeEvent modify = onlyEvent(batch.records().get(3), DataChangeEvent.class);

      assertThat(mapper.writeValueAsString(insert.keys()))
          .isEqualTo("{\"pk\":\"PRODUCT#acme\",\"sk\":\"P-001@0000000002\"}");
      assertThat(insert.oldImage()).isNull();
      ObjectNode image = insert.newImage();
      assertThat(image.get("price").longValue()).isEqualTo(139800L);
      assertThat(image.get("costBasis").decimalValue()).isEqualTo(new BigDecimal("12345678901234567890.123456789"));
      assertThat(image.at("/dimensions/width").decimalValue()).isEqualTo(new BigDecimal("12.5"));
      assertThat(image.at("/dimensions/unit").textValue()).isEqualTo("cm");
      assertThat(image.get("thumbnail").textValue()).startsWith("iVBORw0KGgo");
      assertThat(mapper.writeValueAsString(image.get("colors"))).isEqualTo("[\"black\",\"red\",\"navy\"]");
      assertThat(mapper.writeValueAsString(image.get("sizes"))).isEqualTo("[24.5,25,26.5,27]");
      assertThat(image.get("checksums").size()).isEqualTo(2);
      assertThat(image.get("discontinuedAt").isNull()).isTrue();
      assertThat(image.get("isActive").booleanValue()).isTrue();
      assertThat(image.get("ttl").bigIntegerValue()).isEqualTo(BigInteger.valueOf(1827101411L));
      assertThat(image.get("description").textValue()).endsWith("「防水」");

      assertThat(modify.oldImage()).isNotNull();
      assertThat(modify.oldImage().get("updatedAt").textValue()).isEqualTo("2026-11-25T00:14:02.000Z");
      assertThat(modify.newImage().get("updatedAt").textValue()).isEqualTo("2026-11-25T00:14:05.000Z");
    }

    @Test
    void commandTableKeyGivesCodeIdAndVersion() {
      DataChangeEvent insert =
          onlyEvent(decode("dynamodb/product-command-changes.json").records().get(1), DataChangeEvent.class);

      ChangeRecord change = ProductTables.change(insert);

      assertThat(change.table()).isEqualTo(ProductTables.COMMAND);
      assertThat(change.pk()).isEqualTo("PRODUCT#acme");
      assertThat(change.code()).isEqualTo("P-001");
      assertThat(change.id()).isEqualTo("PRODUCT#acme#P-001");
      assertThat(change.version()).isEqualTo(2L);
      assertThat(change.deleted()).isFalse();
      assertThat(change.image()).isSameAs(insert.newImage());
    }

    @Test
    void commandWithIsDeletedTrueIsADelete() {
      DataChangeEvent deleted =
          onlyEvent(decode("dynamodb/product-command-changes.json").records().get(2), DataChangeEvent.class);

      ChangeRecord change = ProductTables.change(deleted);

      assertThat(deleted.operation()).isEqualTo(Operation.INSERT);
      assertThat(change.deleted()).isTrue();
      assertThat(change.code()).isEqualTo("P-002");
      assertThat(change.version()).isEqualTo(4L);
    }

    @Test
    void ttlRemovalIsMarkedAndChangesNoEntity() {
      DataChangeEvent removal = onlyEvent(decode("dynamodb/ttl-removal.json"), DataChangeEvent.class);

      assertThat(removal.operation()).isEqualTo(Operation.REMOVE);
      assertThat(removal.removedByTtl()).isTrue();
      assertThat(removal.oldImage().get("code").textValue()).isEqualTo("P-007");
      assertThat(ProductTables.resolve(removal)).isInstanceOf(Resolution.Housekeeping.class);
    }

    @Test
    void dataTableRemoveIsADeleteWithTheOldImageAndItsVersion() {
      InboundBatch batch = decode("dynamodb/product-data-changes.json");
      List<DataChangeEvent> changes =
          batch.records().stream().map(r -> onlyEvent(r, DataChangeEvent.class)).toList();
      DataChangeEvent remove = changes.get(2);

      assertThat(remove.tableName()).isEqualTo(ProductTables.DATA);
      assertThat(remove.operation()).isEqualTo(Operation.REMOVE);
      assertThat(remove.removedByTtl()).as("a user delete has no userIdentity").isFalse();
      assertThat(remove.newImage()).isNull();
      ChangeRecord change = ProductTables.change(remove);
      assertThat(change.deleted()).isTrue();
      assertThat(change.image()).isSameAs(remove.oldImage());
      assertThat(change.version()).isEqualTo(3L);
      assertThat(change.code()).isEqualTo("P-005");
      assertThat(change.id()).isEqualTo("PRODUCT#acme#P-005");

      assertThat(changes.subList(0, 2))
          .extracting(c -> ProductTables.change(c))
          .extracting(ChangeRecord::id, ChangeRecord::version, ChangeRecord::deleted)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("PRODUCT#acme#P-010", 1L, false),
              org.assertj.core.groups.Tuple.tuple("PRODUCT#acme#P-001", 2L, false));
    }

    @Test
    void missingVersionDecodesButItsMappingNamesTheTableAndTheVersion() {
      InboundBatch batch = decode("bad/dynamodb-missing-version.json");

      assertNoneRejected(batch);
      DataChangeEvent bad = onlyEvent(batch.records().get(0), DataChangeEvent.class);
      DataChangeEvent good = onlyEvent(batch.records().get(1), DataChangeEvent.class);

      MappingException e = catchThrowableOfType(MappingException.class, () -> ProductTables.resolve(bad));
      assertThat(e).isNotNull();
      assertThat(e.table()).isEqualTo(ProductTables.COMMAND);
      assertThat(e.attribute()).isEqualTo("version");
      ChangeRecord goodChange = ProductTables.change(good);
      assertThat(goodChange.id()).isEqualTo("PRODUCT#acme#P-006");
      assertThat(goodChange.version()).isEqualTo(1L);
    }
  }

  @Nested
  class StepFunctions {
    @Test
    void taskWithTokenIsReadAndItsIdIsExecutionAndState() {
      InboundBatch batch = decode("stepfunctions/task-with-token.json");

      assertThat(batch.source()).isEqualTo(EventSource.STEP_FUNCTIONS);
      InboundRecord record = batch.records().get(0);
      TaskEvent task = onlyEvent(batch, TaskEvent.class);
      assertThat(task.hasToken()).isTrue();
      assertThat(record.taskToken()).isEqualTo(task.taskToken()).startsWith("AQCEAAAA");
      assertThat(task.eventId()).isEqualTo(EXECUTION + "#Summarize");
      assertThat(record.itemIdentifier()).isEqualTo(EXECUTION + "#Summarize");
      assertThat(task.type()).isEqualTo("CSV_IMPORT_SUMMARY");
      assertThat(task.mapItemIndex()).isNull();
      assertThat(task.input().at("/key").textValue()).isEqualTo("imports/csv/products 2026-11.csv");
    }

    @Test
    void taskWithoutTokenIsReadWithNoToken() {
      InboundBatch batch = decode("stepfunctions/task-without-token.json");

      assertThat(batch.source()).isEqualTo(EventSource.STEP_FUNCTIONS);
      TaskEvent task = onlyEvent(batch, TaskEvent.class);
      assertThat(task.hasToken()).isFalse();
      assertThat(task.taskToken()).isNull();
      assertThat(batch.records().get(0).taskToken()).isNull();
      assertThat(task.eventId()).isEqualTo(EXECUTION + "#Summarize");
      assertThat(batch.records().get(0).itemIdentifier()).isEqualTo(EXECUTION + "#Summarize");
    }
  }

  @Nested
  class BadInput {
    @Test
    void unknownSourceFailsTheWholeDocument() {
      InvalidEventException e =
          catchThrowableOfType(InvalidEventException.class, () -> decode("bad/unknown-source.json"));

      assertThat(e).isNotNull();
      assertThat(e).hasMessageContaining("unknown event source").hasMessageContaining("hello");
      assertThat(e.where()).isEmpty();
    }

    @Test
    void truncatedJsonFailsAsMalformed() {
      InvalidEventException e = catchThrowableOfType(InvalidEventException.class, () -> decode("bad/truncated.json"));

      assertThat(e).isNotNull();
      assertThat(e).hasMessageContaining("malformed JSON");
    }

    @Test
    void notAnObjectFailsTheWholeDocument() {
      InvalidEventException e =
          catchThrowableOfType(
              InvalidEventException.class,
              () -> decoder.decode(new ByteArrayInputStream("[1,2]".getBytes(StandardCharsets.UTF_8))));

      assertThat(e).isNotNull();
      assertThat(e).hasMessageContaining("must be a JSON object");
    }

    @Test
    void emptyRecordsArrayFailsTheWholeDocument() {
      ObjectNode event = mapper.createObjectNode();
      event.putArray("Records");

      InvalidEventException e = catchThrowableOfType(InvalidEventException.class, () -> decode(event));

      assertThat(e).isNotNull();
      assertThat(e.where()).isEqualTo("Records");
    }

    @Test
    void truncatedBodyIsJustTextToTheDefaultFactory() {
      InboundBatch batch = decode("bad/sqs-mixed-bad-record.json");

      assertThat(batch.records()).hasSize(3);
      assertNoneRejected(batch);
      SqsMessageEvent middle = onlyEvent(batch.records().get(1), SqsMessageEvent.class);
      assertThat(middle.messageId()).isEqualTo("cb8f3b8b-4386-40c0-afd5-2e38d70a699d");
      assertThat(middle.body()).endsWith("\"quantity\":");
      assertThat(middle.messageType()).isEqualTo("ORDER_CREATED");
    }

    @Test
    void nonObjectRecordIsRejectedAlone() {
      ObjectNode event = SampleEvents.tree("sqs/standard-batch.json");
      ((ArrayNode) event.get("Records")).set(1, mapper.getNodeFactory().textNode("garbage"));

      InboundBatch batch = decode(event);

      assertThat(rejectionOf(batch.records().get(1)).where()).isEqualTo("Records[1]");
      onlyEvent(batch.records().get(0), SqsMessageEvent.class);
      onlyEvent(batch.records().get(2), SqsMessageEvent.class);
    }
  }
}
