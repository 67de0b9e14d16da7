package io.cqrssuite.factory;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.event.DataChangeEvent;
import io.cqrssuite.event.DomainEvent;
import io.cqrssuite.event.EventBridgeEvent;
import io.cqrssuite.event.S3ObjectEvent;
import io.cqrssuite.event.SnsMessageEvent;
import io.cqrssuite.event.SqsMessageEvent;
import io.cqrssuite.event.TaskEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * An {@link EventFactory} assembled from routes instead of overrides: S3 key prefixes, SQS/SNS message types,
 * EventBridge detail-types, DynamoDB {@code pk} prefixes and task types, each mapped to a function that builds the
 * user's domain event. Anything no route matches goes to the fallback factory (pass-through by default).
 *
 * <pre>{@code
 * EventFactory factory = RoutingEventFactory.builder()
 *     .s3KeyPrefix("imports/csv/", CsvImportEvent::from)
 *     .sqsMessageType("ORDER_CREATED", OrderCreatedEvent::from)
 *     .dynamodbPkPrefix("PRODUCT#", ProductChangedEvent::from)
 *     .build();
 * }</pre>
 *
 * Prefix routes are tried longest prefix first, so {@code imports/csv/big/} wins over {@code imports/}.
 */
public final class RoutingEventFactory implements EventFactory {
  private final List<Route<S3ObjectEvent, String>> s3Prefixes;
  private final Map<String, Function<SqsMessageEvent, ? extends DomainEvent>> sqsTypes;
  private final Map<String, Function<SnsMessageEvent, ? extends DomainEvent>> snsTypes;
  private final Map<String, Function<EventBridgeEvent, ? extends DomainEvent>> detailTypes;
  private final List<Route<DataChangeEvent, String>> pkPrefixes;
  private final Map<String, Function<TaskEvent, ? extends DomainEvent>> taskTypes;
  private final EventFactory fallback;

  private RoutingEventFactory(Builder b) {
    this.s3Prefixes = longestFirst(b.s3Prefixes);
    this.sqsTypes = Map.copyOf(b.sqsTypes);
    this.snsTypes = Map.copyOf(b.snsTypes);
    this.detailTypes = Map.copyOf(b.detailTypes);
    this.pkPrefixes = longestFirst(b.pkPrefixes);
    this.taskTypes = Map.copyOf(b.taskTypes);
    this.fallback = b.fallback;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public List<DomainEvent> transformS3(S3ObjectEvent event) {
    for (Route<S3ObjectEvent, String> route : s3Prefixes) {
      if (event.key().startsWith(route.match())) {
        return List.of(route.apply(event));
      }
    }
    return fallback.transformS3(event);
  }

  @Override
  public List<DomainEvent> transformSqs(SqsMessageEvent event) {
    var route = event.messageType() == null ? null : sqsTypes.get(event.messageType());
    return route == null ? fallback.transformSqs(event) : List.of(Objects.requireNonNull(route.apply(event)));
  }

  @Override
  public List<DomainEvent> transformSns(SnsMessageEvent event) {
    var route = event.messageType() == null ? null : snsTypes.get(event.messageType());
    return route == null ? fallback.transformSns(event) : List.of(Objects.requireNonNull(route.apply(event)));
  }

  @Override
  public List<DomainEvent> transformEventBridge(EventBridgeEvent event) {
    var route = detailTypes.get(event.detailType());
    return route == null ? fallback.transformEventBridge(event) : List.of(Objects.requireNonNull(route.apply(event)));
  }

  @Override
  public List<DomainEvent> transformDynamodbStream(DataChangeEvent event) {
    String pk = pkOf(event);
    if (pk != null) {
      for (Route<DataChangeEvent, String> route : pkPrefixes) {
        if (pk.startsWith(route.match())) {
          return List.of(route.apply(event));
        }
      }
    }
    return fallback.transformDynamodbStream(event);
  }

  @Override
  public List<DomainEvent> transformStepFunction(TaskEvent event) {
    var route = event.type() == null ? null : taskTypes.get(event.type());
    return route == null ? fallback.transformStepFunction(event) : List.of(Objects.requireNonNull(route.apply(event)));
  }

  private static String pkOf(DataChangeEvent event) {
    for (ObjectNode node : new ObjectNode[] {event.keys(), event.newImage(), event.oldImage()}) {
      if (node != null && node.path("pk").isTextual()) {
        return node.get("pk").textValue();
      }
    }
    return null;
  }

  private static <E> List<Route<E, String>> longestFirst(List<Route<E, String>> routes) {
    List<Route<E, String>> sorted = new ArrayList<>(routes);
    sorted.sort((a, b) -> Integer.compare(b.match().length(), a.match().length()));
    return List.copyOf(sorted);
  }

  private record Route<E, M>(M match, Function<E, ? extends DomainEvent> build) {
    DomainEvent apply(E event) {
      return Objects.requireNonNull(build.apply(event), "a route returned null for " + match);
    }
  }

  /** Collects routes; each key may be routed once. */
  public static final class Builder {
    private final List<Route<S3ObjectEvent, String>> s3Prefixes = new ArrayList<>();
    private final Map<String, Function<SqsMessageEvent, ? extends DomainEvent>> sqsTypes = new HashMap<>();
    private final Map<String, Function<SnsMessageEvent, ? extends DomainEvent>> snsTypes = new HashMap<>();
    private final Map<String, Function<EventBridgeEvent, ? extends DomainEvent>> detailTypes = new HashMap<>();
    private final List<Route<DataChangeEvent, String>> pkPrefixes = new ArrayList<>();
    private final Map<String, Function<TaskEvent, ? extends DomainEvent>> taskTypes = new HashMap<>();
    private EventFactory fallback = new DefaultEventFactory();

    private Builder() {}

    public Builder s3KeyPrefix(String prefix, Function<S3ObjectEvent, ? extends DomainEvent> build) {
      if (s3Prefixes.stream().anyMatch(r -> r.match().equals(prefix))) {
        throw new IllegalArgumentException("S3 key prefix routed twice: " + prefix);
      }
      s3Prefixes.add(new Route<>(prefix, build));
      return this;
    }

    public Builder sqsMessageType(String type, Function<SqsMessageEvent, ? extends DomainEvent> build) {
      putOnce(sqsTypes, type, build, "SQS message type");
      return this;
    }

    public Builder snsMessageType(String type, Function<SnsMessageEvent, ? extends DomainEvent> build) {
      putOnce(snsTypes, type, build, "SNS message type");
      return this;
    }

    public Builder eventBridgeDetailType(String detailType, Function<EventBridgeEvent, ? extends DomainEvent> build) {
      putOnce(detailTypes, detailType, build, "EventBridge detail-type");
      return this;
    }

    public Builder dynamodbPkPrefix(String prefix, Function<DataChangeEvent, ? extends DomainEvent> build) {
      if (pkPrefixes.stream().anyMatch(r -> r.match().equals(prefix))) {
        throw new IllegalArgumentException("pk prefix routed twice: " + prefix);
      }
      pkPrefixes.add(new Route<>(prefix, build));
      return this;
    }

    public Builder taskType(String type, Function<TaskEvent, ? extends DomainEvent> build) {
      putOnce(taskTypes, type, build, "task type");
      return this;
    }

    /** Where records no route matches go; pass-through by default. */
    public Builder fallback(EventFactory fallback) {
      this.fallback = Objects.requireNonNull(fallback);
      return this;
    }

    public RoutingEventFactory build() {
      return new RoutingEventFactory(this);
    }

    private static <V> void putOnce(Map<String, V> map, String key, V value, String what) {
      if (map.putIfAbsent(Objects.requireNonNull(key), Objects.requireNonNull(value)) != null) {
        throw new IllegalArgumentException(what + " routed twice: " + key);
      }
    }
  }
}
