package io.cqrssuite.catalog.order;

import io.cqrssuite.event.EventSource;
import java.util.List;

/** {@code OrderShipped} from the fulfilment system's EventBridge bus. */
public record OrderShipped(
    String eventId, String orderId, String tenantCode, String carrier, List<String> trackingNumbers)
    implements OrderEvent {
  public OrderShipped {
    trackingNumbers = List.copyOf(trackingNumbers);
  }

  @Override
  public EventSource source() {
    return EventSource.EVENT_BRIDGE;
  }
}
