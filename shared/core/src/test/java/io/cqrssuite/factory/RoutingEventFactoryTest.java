package io.cqrssuite.factory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cqrssuite.event.DataChangeEvent;
import io.cqrssuite.event.DomainEvent;
import io.cqrssuite.event.EventBridgeEvent;
import io.cqrssuite.event.EventSource;
import io.cqrssuite.event.InvalidEventException;
import io.cqrssuite.event.S3ObjectEvent;
import io.cqrssuite.event.SnsMessageEvent;
import io.cqrssuite.event.SqsMessageEvent;
import io.cqrssuite.event.TaskEvent;
import io.cqrssuite.fixtures.SampleEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class RoutingEventFactoryTest {
  /** A user's domain event: which route built it, and from what. */
  record Routed(String route, DomainEvent from) implements DomainEvent {
    @Override
    public String eventId() {
      return from.eventId();
    }

    @Override
    public EventSource source() {
      return from.source();
    }
  }

  private static <E extends DomainEvent> Function<E, Routed> to(String route) {
    return e -> new Routed(route, e);
  }

  private static InboundBatch decode(EventFactory factory, String sample) {
    return new EventDecoder(EventJson.newMapper(), factory).decode(SampleEvents.stream(sample));
  }

  private static DomainEvent only(InboundRecord record) {
    assertThat(record.rejection()).as("rejection of record %s", record.index()).isNull();
    assertThat(record.events()).hasSize(1);
    return record.events().get(0);
  }

  private static String routeOf(InboundRecord record) {
    DomainEvent event = only(record);
    return event instanceof Routed r ? r.route() : "fallback:" + event.getClass().getSimpleName();
  }

  @Test
  void s3KeyPrefixRoutesAndTheLongestPrefixWins() {
    // The shorter prefix is registered first: registration order must not decide.
    EventFactory factory =
        RoutingEventFactory.builder()
            .s3KeyPrefix("imports/", to("imports"))
            .s3KeyPrefix("imports/csv/", to("csv"))
            .s3KeyPrefix("imp", to("imp"))
            .build();

    InboundBatch batch = decode(factory, "s3/object-created-batch.json");

    assertThat(batch.records())
        .extracting(RoutingEventFactoryTest::routeOf)
        .containsExactly("csv", "csv", "fallback:S3ObjectEvent");
    Routed routed = (Routed) only(batch.records().get(1));
    assertThat(((S3ObjectEvent) routed.from()).key()).isEqualTo("imports/csv/商品一覧.csv");
  }

  @Test
  void s3PrefixMatchesTheDecodedKey() {
    EventFactory factory = RoutingEventFactory.builder().s3KeyPrefix("uploads/a+b c", to("decoded")).build();

    InboundBatch batch = decode(factory, "s3/object-created-batch.json");

    assertThat(routeOf(batch.records().get(2))).isEqualTo("decoded");
  }

  @Test
  void sqsMessageTypeRoutesFromAttributeAndBody() {
    EventFactory factory =
        RoutingEventFactory.builder()
            .sqsMessageType("ORDER_CREATED", to("created"))
            .sqsMessageType("ORDER_CANCELLED", to("cancelled"))
            .build();

    InboundBatch batch = decode(factory, "sqs/standard-batch.json");

    assertThat(batch.records()).extracting(RoutingEventFactoryTest::routeOf)
        .containsExactly("created", "created", "cancelled");
    assertThat(only(batch.records().get(0)).eventId()).isEqualTo("04d332cb-e7df-4ddb-9cfe-3d1286abfdd2");
  }

  @Test
  void unroutedSqsMessageTypeGoesToTheFallback() {
    EventFactory factory = RoutingEventFactory.builder().sqsMessageType("ORDER_CANCELLED", to("cancelled")).build();

    InboundBatch batch = decode(factory, "sqs/standard-batch.json");

    assertThat(batch.records()).extracting(RoutingEventFactoryTest::routeOf)
        .containsExactly("fallback:SqsMessageEvent", "fallback:SqsMessageEvent", "cancelled");
  }

  @Test
  void snsMessageTypeRoutesDirectAndEnvelopedNotifications() {
    EventFactory factory = RoutingEventFactory.builder().snsMessageType("ORDER_CREATED", to("sns-created")).build();

    assertThat(routeOf(decode(factory, "sns/notification.json").records().get(0))).isEqualTo("sns-created");
    assertThat(routeOf(decode(factory, "sqs/sns-enveloped.json").records().get(0))).isEqualTo("sns-created");
    // The raw delivery is an SQS message: an SNS route does not take it.
    assertThat(routeOf(decode(factory, "sqs/sns-raw.json").records().get(0))).isEqualTo("fallback:SqsMessageEvent");
  }

  @Test
  void eventBridgeDetailTypeRoutes() {
    EventFactory factory = RoutingEventFactory.builder().eventBridgeDetailType("OrderShipped", to("shipped")).build();

    InboundRecord custom = decode(factory, "eventbridge/custom.json").records().get(0);
    InboundRecord scheduled = decode(factory, "eventbridge/scheduled.json").records().get(0);

    assertThat(routeOf(custom)).isEqualTo("shipped");
    assertThat(((EventBridgeEvent) ((Routed) only(custom)).from()).detail().at("/orderId").textValue())
        .isEqualTo("O-1001");
    assertThat(routeOf(scheduled)).isEqualTo("fallback:EventBridgeEvent");
  }

  @Test
  void dynamodbPkPrefixRoutesAndTheLongestPrefixWins() {
    EventFactory factory =
        RoutingEventFactory.builder()
            .dynamodbPkPrefix("PRODUCT#", to("product"))
            .dynamodbPkPrefix("PRODUCT#acme", to("acme-product"))
            .build();
    EventFactory other = RoutingEventFactory.builder().dynamodbPkPrefix("ORDER#", to("order")).build();

    InboundBatch routed = decode(factory, "dynamodb/product-command-changes.json");
    InboundBatch unrouted = decode(other, "dynamodb/product-command-changes.json");

    assertThat(routed.records()).extracting(RoutingEventFactoryTest::routeOf).containsOnly("acme-product");
    assertThat(((DataChangeEvent) ((Routed) only(routed.records().get(1))).from()).sequenceNumber())
        .isEqualTo("4421584500000000017464292370");
    assertThat(unrouted.records()).extracting(RoutingEventFactoryTest::routeOf).containsOnly("fallback:DataChangeEvent");
  }

  @Test
  void dynamodbPkPrefixRoutesARemoveByItsKeys() {
    EventFactory factory = RoutingEventFactory.builder().dynamodbPkPrefix("PRODUCT#", to("product")).build();

    InboundBatch batch = decode(factory, "dynamodb/product-data-changes.json");

    assertThat(routeOf(batch.records().get(2))).isEqualTo("product");
  }

  @Test
  void taskTypeRoutesAndTheTokenStaysOnTheRecord() {
    EventFactory factory = RoutingEventFactory.builder().taskType("CSV_IMPORT_SUMMARY", to("chunk")).build();

    InboundRecord direct = decode(factory, "stepfunctions/task-with-token.json").records().get(0);
    InboundRecord viaSqs = decode(factory, "sqs/task-token.json").records().get(0);

    assertThat(routeOf(direct)).isEqualTo("chunk");
    assertThat(direct.taskToken()).isEqualTo(((TaskEvent) ((Routed) only(direct)).from()).taskToken()).isNotNull();
    assertThat(routeOf(viaSqs)).isEqualTo("chunk");
    assertThat(viaSqs.taskToken()).startsWith("AQCEAAAA");
  }

  @Test
  void unmatchedEventsGoToTheConfiguredFallback() {
    List<String> fallbackSaw = new ArrayList<>();
    EventFactory fallback =
        new EventFactory() {
          @Override
          public List<DomainEvent> transformSqs(SqsMessageEvent event) {
            fallbackSaw.add("sqs:" + event.messageId());
            return List.of();
          }

          @Override
          public List<DomainEvent> transformSns(SnsMessageEvent event) {
            fallbackSaw.add("sns:" + event.messageId());
            return List.of();
          }
        };
    EventFactory factory =
        RoutingEventFactory.builder()
            .sqsMessageType("ORDER_CREATED", to("created"))
            .snsMessageType("SOMETHING_ELSE", to("else"))
            .fallback(fallback)
            .build();

    InboundBatch sqs = decode(factory, "sqs/standard-batch.json");
    InboundBatch sns = decode(factory, "sns/notification.json");

    assertThat(routeOf(sqs.records().get(0))).isEqualTo("created");
    assertThat(sqs.records().get(2).events()).isEmpty();
    assertThat(sqs.records().get(2).rejected()).isFalse();
    assertThat(sns.records().get(0).events()).isEmpty();
    assertThat(fallbackSaw)
        .containsExactly("sqs:a386bc2f-94b4-431f-ae7e-50344ef58e58", "sns:fa6f265a-5261-4a39-a285-ccd28a831d55");
  }

  @Test
  void routingTheSameKeyTwiceIsRefused() {
    assertThatThrownBy(() -> RoutingEventFactory.builder().s3KeyPrefix("a/", to("1")).s3KeyPrefix("a/", to("2")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a/");
    assertThatThrownBy(() -> RoutingEventFactory.builder().sqsMessageType("T", to("1")).sqsMessageType("T", to("2")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("T");
    assertThatThrownBy(() -> RoutingEventFactory.builder().snsMessageType("T", to("1")).snsMessageType("T", to("2")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                RoutingEventFactory.builder()
                    .eventBridgeDetailType("D", to("1"))
                    .eventBridgeDetailType("D", to("2")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> RoutingEventFactory.builder().dynamodbPkPrefix("PK#", to("1")).dynamodbPkPrefix("PK#", to("2")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PK#");
    assertThatThrownBy(() -> RoutingEventFactory.builder().taskType("X", to("1")).taskType("X", to("2")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sameKeyForDifferentSourcesIsAllowed() {
    RoutingEventFactory factory =
        RoutingEventFactory.builder()
            .sqsMessageType("ORDER_CREATED", to("sqs"))
            .snsMessageType("ORDER_CREATED", to("sns"))
            .build();

    assertThat(routeOf(decode(factory, "sqs/standard-batch.json").records().get(0))).isEqualTo("sqs");
    assertThat(routeOf(decode(factory, "sns/notification.json").records().get(0))).isEqualTo("sns");
  }

  @Test
  void routeThrowingInvalidEventRejectsOnlyThatRecord() {
    String poisoned = "664b366e-a514-4407-b17c-641b8955b44e";
    InvalidEventException refusal = new InvalidEventException("body.items", "quantity must be positive");
    EventFactory factory =
        RoutingEventFactory.builder()
            .sqsMessageType(
                "ORDER_CREATED",
                e -> {
                  if (e.messageId().equals(poisoned)) {
                    throw refusal;
                  }
                  return new Routed("created", e);
                })
            .build();

    InboundBatch batch = decode(factory, "sqs/standard-batch.json");

    InboundRecord bad = batch.records().get(1);
    assertThat(bad.rejected()).isTrue();
    assertThat(bad.rejection()).isSameAs(refusal);
    assertThat(bad.events()).isEmpty();
    assertThat(bad.itemIdentifier()).isEqualTo(poisoned);
    assertThat(routeOf(batch.records().get(0))).isEqualTo("created");
    assertThat(routeOf(batch.records().get(2))).isEqualTo("fallback:SqsMessageEvent");
  }

  @Test
  void routeReturningNullRejectsOnlyThatRecord() {
    EventFactory factory = RoutingEventFactory.builder().sqsMessageType("ORDER_CANCELLED", e -> null).build();

    InboundBatch batch = decode(factory, "sqs/standard-batch.json");

    assertThat(batch.records().get(2).rejected()).isTrue();
    assertThat(batch.records().get(0).rejected()).isFalse();
  }
}
