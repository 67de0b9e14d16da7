package io.cqrssuite.bench;

import io.cqrssuite.bus.DispatchResult;
import io.cqrssuite.bus.EventBus;
import io.cqrssuite.bus.EventHandler;
import io.cqrssuite.bus.UnhandledEvents;
import io.cqrssuite.event.DomainEvent;
import io.cqrssuite.event.EventSource;
import io.cqrssuite.event.SqsMessageEvent;
import io.cqrssuite.factory.EventFactory;
import io.cqrssuite.factory.RoutingEventFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Dispatch overhead per event: an already-parsed SQS message routed by a {@link RoutingEventFactory} (by message type)
 * into the user's event, then through the {@link EventBus} to its handler, against a bare {@link HashMap} lookup of
 * the same route and a direct call of the same handler. No JSON is parsed in either.
 */
@State(Scope.Benchmark)
public class DispatchBenchmark {
  /** The user's event the route builds. */
  record OrderCreated(String eventId, String body) implements DomainEvent {
    @Override
    public EventSource source() {
      return EventSource.SQS;
    }
  }

  /** Two more event types, routed and handled too, so the factory and the bus choose among several. */
  record OrderShipped(String eventId) implements DomainEvent {
    @Override
    public EventSource source() {
      return EventSource.SQS;
    }
  }

  record OrderCancelled(String eventId) implements DomainEvent {
    @Override
    public EventSource source() {
      return EventSource.SQS;
    }
  }

  /** Does the least a handler can do that the JIT cannot remove: returns a value of the event. */
  static final class Handler<E extends DomainEvent> implements EventHandler<E> {
    private final Class<E> type;

    Handler(Class<E> type) {
      this.type = type;
    }

    @Override
    public Class<E> eventType() {
      return type;
    }

    @Override
    public Object handle(E event) {
      return event.eventId();
    }
  }

  private SqsMessageEvent event;
  private EventFactory factory;
  private EventBus bus;
  private Map<String, Function<SqsMessageEvent, Object>> bareRoutes;

  @Setup
  public void setUp() {
    event = (SqsMessageEvent) Samples.decodedEvent("sqs");
    if (!"ORDER_CREATED".equals(event.messageType())) {
      throw new IllegalStateException("the SQS sample's first message is no longer an ORDER_CREATED: " + event.messageType());
    }
    factory =
        RoutingEventFactory.builder()
            .sqsMessageType("ORDER_CREATED", m -> new OrderCreated(m.messageId(), m.body()))
            .sqsMessageType("ORDER_SHIPPED", m -> new OrderShipped(m.messageId()))
            .sqsMessageType("ORDER_CANCELLED", m -> new OrderCancelled(m.messageId()))
            .build();
    Handler<OrderCreated> created = new Handler<>(OrderCreated.class);
    bus =
        new EventBus(
            Set.of(created, new Handler<>(OrderShipped.class), new Handler<>(OrderCancelled.class)),
            UnhandledEvents.IGNORE);
    bareRoutes = new HashMap<>();
    bareRoutes.put("ORDER_CREATED", m -> created.handle(new OrderCreated(m.messageId(), m.body())));
    bareRoutes.put("ORDER_SHIPPED", m -> m.messageId());
    bareRoutes.put("ORDER_CANCELLED", m -> m.messageId());
    DispatchResult check = suite();
    if (!check.succeeded() || check.unhandled()) {
      throw new IllegalStateException("the benchmark's event did not reach its handler: " + check);
    }
  }

  @Benchmark
  public DispatchResult suite() {
    List<DomainEvent> routed = factory.transformSqs(event);
    return bus.dispatch(routed.get(0));
  }

  @Benchmark
  public Object baseline() {
    return bareRoutes.get(event.messageType()).apply(event);
  }
}
