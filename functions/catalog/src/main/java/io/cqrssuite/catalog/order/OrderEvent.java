package io.cqrssuite.catalog.order;

import io.cqrssuite.event.DomainEvent;

/** The order showcase's events, whichever source carried them (SQS, SNS, EventBridge). */
public sealed interface OrderEvent extends DomainEvent permits OrderCreated, OrderCancelled, OrderShipped {
  String orderId();

  String tenantCode();
}
