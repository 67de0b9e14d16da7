package io.cqrssuite.catalog.order;

import io.cqrssuite.event.EventSource;

/** {@code ORDER_CANCELLED}: release what the order reserved. */
public record OrderCancelled(String eventId, EventSource source, String orderId, String tenantCode, String reason)
    implements OrderEvent {}
