package io.cqrssuite.catalog.order;

import io.cqrssuite.event.EventSource;
import java.util.List;

/** {@code ORDER_CREATED}: reserve stock for each line. */
public record OrderCreated(String eventId, EventSource source, String orderId, String tenantCode, List<OrderLine> items)
    implements OrderEvent {
  public OrderCreated {
    items = List.copyOf(items);
  }
}
