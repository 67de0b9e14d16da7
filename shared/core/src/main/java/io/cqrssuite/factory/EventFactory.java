package io.cqrssuite.factory;

import io.cqrssuite.event.DataChangeEvent;
import io.cqrssuite.event.DomainEvent;
import io.cqrssuite.event.EventBridgeEvent;
import io.cqrssuite.event.S3ObjectEvent;
import io.cqrssuite.event.SnsMessageEvent;
import io.cqrssuite.event.SqsMessageEvent;
import io.cqrssuite.event.TaskEvent;
import java.util.List;

/**
 * Turns each typed source event into the domain events handlers see: one transform per source, each called once
 * per record (after nested deliveries are unwrapped, so an S3 notification that came through SNS and SQS reaches
 * {@link #transformS3}).
 *
 * <p>By default every transform passes the typed event through unchanged. Override a transform to route into
 * your own events (the {@code CustomEventFactory} shape of MBC CQRS Serverless), or build one without subclassing
 * with {@link RoutingEventFactory}. Return an empty list to acknowledge a record and do nothing; throw
 * {@link io.cqrssuite.event.InvalidEventException} to reject it with a reason: it then fails alone, never the
 * records beside it.
 */
public interface EventFactory {
  default List<DomainEvent> transformS3(S3ObjectEvent event) {
    return List.of(event);
  }

  default List<DomainEvent> transformSqs(SqsMessageEvent event) {
    return List.of(event);
  }

  default List<DomainEvent> transformSns(SnsMessageEvent event) {
    return List.of(event);
  }

  default List<DomainEvent> transformEventBridge(EventBridgeEvent event) {
    return List.of(event);
  }

  default List<DomainEvent> transformDynamodbStream(DataChangeEvent event) {
    return List.of(event);
  }

  default List<DomainEvent> transformStepFunction(TaskEvent event) {
    return List.of(event);
  }
}
