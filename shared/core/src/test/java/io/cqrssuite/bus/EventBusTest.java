package io.cqrssuite.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cqrssuite.event.DomainEvent;
import io.cqrssuite.event.EventSource;
import io.cqrssuite.event.InvalidEventException;
import io.cqrssuite.event.S3ObjectEvent;
import io.cqrssuite.event.SqsMessageEvent;
import io.cqrssuite.failure.FailureKind;
import io.cqrssuite.failure.PermanentException;
import io.cqrssuite.failure.TransientException;
import io.cqrssuite.fixtures.TestHandler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventBusTest {
  private static SqsMessageEvent sqs(String id) {
    return new SqsMessageEvent(
        id, "{}", Map.of(), Map.of(), "arn:aws:sqs:ap-northeast-1:123456789012:orders", "ap-northeast-1", "ORDER_CREATED");
  }

  private static S3ObjectEvent s3(String key) {
    return new S3ObjectEvent(
        S3ObjectEvent.idOf("bucket", key, "01"), "ObjectCreated:Put", "bucket", key, 1, null, null, "01", null, null);
  }

  /** A user event type outside the built-in ones. */
  record OrderCreated(String eventId) implements DomainEvent {
    @Override
    public EventSource source() {
      return EventSource.SQS;
    }
  }

  private static EventBus bus(UnhandledEvents unhandled, EventHandler<?>... handlers) {
    Set<EventHandler<?>> set = new LinkedHashSet<>(List.of(handlers));
    return new EventBus(set, unhandled);
  }

  private static EventBus bus(EventHandler<?>... handlers) {
    return bus(UnhandledEvents.FAIL, handlers);
  }

  private static HandlerOutcome.Failed failed(DispatchResult result) {
    return result.firstFailure().orElseThrow(() -> new AssertionError("expected a failure in " + result));
  }

  @Test
  void severalHandlersOfOneTypeAllRunInRegistrationOrder() {
    List<String> log = new ArrayList<>();
    EventBus bus =
        bus(
            TestHandler.logging("charlie", SqsMessageEvent.class, log, e -> "c"),
            TestHandler.logging("alpha", SqsMessageEvent.class, log, e -> "a"),
            TestHandler.logging("bravo", SqsMessageEvent.class, log, e -> "b"));

    DispatchResult result = bus.dispatch(sqs("m-1"));

    assertThat(log).containsExactly("charlie:m-1", "alpha:m-1", "bravo:m-1");
    assertThat(result.outcomes()).extracting(HandlerOutcome::handler).containsExactly("charlie", "alpha", "bravo");
    assertThat(result.outcomes())
        .extracting(o -> ((HandlerOutcome.Succeeded) o).result())
        .containsExactly("c", "a", "b");
    assertThat(result.succeeded()).isTrue();
    assertThat(result.unhandled()).isFalse();
    assertThat(result.event().eventId()).isEqualTo("m-1");
  }

  @Test
  void handlerForASupertypeReceivesSubtypes() {
    TestHandler<DomainEvent> everything = TestHandler.ok("everything", DomainEvent.class);
    TestHandler<SqsMessageEvent> onlySqs = TestHandler.ok("onlySqs", SqsMessageEvent.class);
    EventBus bus = bus(everything, onlySqs);

    DispatchResult forSqs = bus.dispatch(sqs("m-1"));
    DispatchResult forS3 = bus.dispatch(s3("a.csv"));
    DispatchResult forUser = bus.dispatch(new OrderCreated("o-1"));

    assertThat(everything.seenIds()).containsExactly("m-1", "s3:bucket/a.csv@01", "o-1");
    assertThat(onlySqs.seenIds()).containsExactly("m-1");
    assertThat(forSqs.outcomes()).extracting(HandlerOutcome::handler).containsExactly("everything", "onlySqs");
    assertThat(forS3.outcomes()).extracting(HandlerOutcome::handler).containsExactly("everything");
    assertThat(forUser.succeeded()).isTrue();
  }

  @Test
  void handlerOfAnotherTypeIsNotCalled() {
    TestHandler<S3ObjectEvent> s3Only = TestHandler.ok("s3Only", S3ObjectEvent.class);
    TestHandler<SqsMessageEvent> sqsOnly = TestHandler.ok("sqsOnly", SqsMessageEvent.class);
    EventBus bus = bus(s3Only, sqsOnly);

    bus.dispatch(sqs("m-1"));

    assertThat(s3Only.seen()).isEmpty();
    assertThat(sqsOnly.seenIds()).containsExactly("m-1");
  }

  @Test
  void failingHandlerDoesNotStopTheOtherHandlersButFailsTheDispatch() {
    List<String> log = new ArrayList<>();
    IllegalStateException boom = new IllegalStateException("boom");
    EventBus bus =
        bus(
            TestHandler.logging("first", SqsMessageEvent.class, log, e -> "ok-1"),
            TestHandler.logging("second", SqsMessageEvent.class, log, e -> {
              throw boom;
            }),
            TestHandler.logging("third", SqsMessageEvent.class, log, e -> "ok-3"));

    DispatchResult result = bus.dispatch(sqs("m-1"));

    assertThat(log).containsExactly("first:m-1", "second:m-1", "third:m-1");
    assertThat(result.succeeded()).isFalse();
    assertThat(result.outcomes().get(0)).isInstanceOf(HandlerOutcome.Succeeded.class);
    assertThat(result.outcomes().get(1)).isInstanceOf(HandlerOutcome.Failed.class);
    assertThat(result.outcomes().get(2)).isInstanceOf(HandlerOutcome.Succeeded.class);
    assertThat(failed(result).handler()).isEqualTo("second");
    assertThat(failed(result).error()).isSameAs(boom);
  }

  @Test
  void firstFailureIsByRegistrationOrder() {
    EventBus bus =
        bus(
            TestHandler.of("a", SqsMessageEvent.class, e -> {
              throw new IllegalStateException("a failed");
            }),
            TestHandler.of("b", SqsMessageEvent.class, e -> {
              throw new IllegalStateException("b failed");
            }));

    assertThat(failed(bus.dispatch(sqs("m-1"))).handler()).isEqualTo("a");
  }

  @Test
  void permanentExceptionIsAPermanentFailure() {
    EventBus bus =
        bus(TestHandler.of("h", SqsMessageEvent.class, e -> {
          throw new PermanentException("bad order");
        }));

    DispatchResult result = bus.dispatch(sqs("m-1"));

    assertThat(failed(result).kind()).isEqualTo(FailureKind.PERMANENT);
    assertThat(result.failureKind()).isEqualTo(FailureKind.PERMANENT);
  }

  @Test
  void invalidEventAndWrappedPermanentExceptionsArePermanent() {
    EventBus bus =
        bus(
            TestHandler.of("invalid", SqsMessageEvent.class, e -> {
              throw new InvalidEventException("body.orderId", "missing");
            }),
            TestHandler.of("wrapped", SqsMessageEvent.class, e -> {
              throw new RuntimeException("outer", new PermanentException("inner"));
            }));

    DispatchResult result = bus.dispatch(sqs("m-1"));

    assertThat(result.outcomes())
        .extracting(o -> ((HandlerOutcome.Failed) o).kind())
        .containsExactly(FailureKind.PERMANENT, FailureKind.PERMANENT);
    assertThat(result.failureKind()).isEqualTo(FailureKind.PERMANENT);
  }

  @Test
  void otherExceptionsAreTransient() {
    EventBus bus =
        bus(
            TestHandler.of("runtime", SqsMessageEvent.class, e -> {
              throw new IllegalStateException("connection reset");
            }),
            TestHandler.of("checked", SqsMessageEvent.class, e -> {
              throw new IOException("timeout");
            }),
            TestHandler.of("explicit", SqsMessageEvent.class, e -> {
              throw new TransientException("throttled", new PermanentException("not the first in the chain"));
            }),
            TestHandler.of("assertion", SqsMessageEvent.class, e -> {
              throw new AssertionError("broken invariant");
            }));

    DispatchResult result = bus.dispatch(sqs("m-1"));

    assertThat(result.outcomes())
        .extracting(o -> ((HandlerOutcome.Failed) o).kind())
        .containsOnly(FailureKind.TRANSIENT)
        .hasSize(4);
    assertThat(result.failureKind()).isEqualTo(FailureKind.TRANSIENT);
  }

  @Test
  void oneTransientFailureAmongPermanentOnesMakesTheDispatchTransient() {
    EventBus bus =
        bus(
            TestHandler.of("permanent", SqsMessageEvent.class, e -> {
              throw new PermanentException("bad");
            }),
            TestHandler.of("transient", SqsMessageEvent.class, e -> {
              throw new IllegalStateException("busy");
            }));

    assertThat(bus.dispatch(sqs("m-1")).failureKind()).isEqualTo(FailureKind.TRANSIENT);
  }

  @Test
  void eventWithoutHandlerFailsPermanentlyWithNoHandlerExceptionByDefault() {
    EventBus bus = bus(TestHandler.ok("s3", S3ObjectEvent.class));

    DispatchResult result = bus.dispatch(sqs("m-1"));

    assertThat(result.succeeded()).isFalse();
    assertThat(result.unhandled()).isFalse();
    HandlerOutcome.Failed failure = failed(result);
    assertThat(failure.error()).isInstanceOf(NoHandlerException.class).hasMessageContaining(SqsMessageEvent.class.getName());
    assertThat(failure.kind()).isEqualTo(FailureKind.PERMANENT);
    assertThat(result.failureKind()).isEqualTo(FailureKind.PERMANENT);
  }

  @Test
  void eventWithoutHandlerIsIgnoredWhenConfigured() {
    EventBus bus = bus(UnhandledEvents.IGNORE, TestHandler.ok("s3", S3ObjectEvent.class));

    DispatchResult result = bus.dispatch(sqs("m-1"));

    assertThat(result.unhandled()).isTrue();
    assertThat(result.succeeded()).isTrue();
    assertThat(result.outcomes()).isEmpty();
    assertThat(result.firstFailure()).isEmpty();
  }

  @Test
  void handledEventIsNotMarkedUnhandledEvenWhenIgnoring() {
    EventBus bus = bus(UnhandledEvents.IGNORE, TestHandler.ok("sqs", SqsMessageEvent.class));

    assertThat(bus.dispatch(sqs("m-1")).unhandled()).isFalse();
  }

  @Test
  void handlesTellsWhetherAnyHandlerTakesAType() {
    EventBus bus = bus(TestHandler.ok("sqs", SqsMessageEvent.class));

    assertThat(bus.handles(SqsMessageEvent.class)).isTrue();
    assertThat(bus.handles(S3ObjectEvent.class)).isFalse();
  }

  @Test
  void handlerWithoutEventTypeIsRefused() {
    EventHandler<DomainEvent> broken =
        new EventHandler<>() {
          @Override
          public Class<DomainEvent> eventType() {
            return null;
          }

          @Override
          public Object handle(DomainEvent event) {
            return null;
          }
        };

    assertThatThrownBy(() -> bus(broken)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("eventType");
  }

  @Test
  void unhandledEventsPolicyParsesCaseInsensitivelyAndDefaultsToFail() {
    assertThat(UnhandledEvents.parse(null)).isEqualTo(UnhandledEvents.FAIL);
    assertThat(UnhandledEvents.parse(" ")).isEqualTo(UnhandledEvents.FAIL);
    assertThat(UnhandledEvents.parse("ignore")).isEqualTo(UnhandledEvents.IGNORE);
    assertThat(UnhandledEvents.parse("Fail")).isEqualTo(UnhandledEvents.FAIL);
    assertThatThrownBy(() -> UnhandledEvents.parse("drop"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SUITE_UNHANDLED_EVENTS");
  }

  @Test
  void aHandlerThatFailsTransientlyIsRetriedWithinTheInvocation() {
    int[] calls = {0};
    io.cqrssuite.retry.RetrySettings fast =
        new io.cqrssuite.retry.RetrySettings(3, java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(2), java.time.Duration.ZERO);
    EventBus bus =
        new EventBus(
            new LinkedHashSet<>(List.of(TestHandler.of("flaky", SqsMessageEvent.class, e -> {
              if (++calls[0] == 1) {
                throw new TransientException("throttled");
              }
              return "done";
            }))),
            UnhandledEvents.FAIL,
            new io.cqrssuite.retry.TransientRetry(fast, new io.cqrssuite.retry.InvocationDeadline(fast)));

    DispatchResult result = bus.dispatch(sqs("m-1"));

    assertThat(result.succeeded()).isTrue();
    assertThat(calls[0]).isEqualTo(2);
  }
}
