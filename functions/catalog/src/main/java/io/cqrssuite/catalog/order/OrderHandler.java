package io.cqrssuite.catalog.order;

import io.cqrssuite.bus.EventHandler;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.inject.Inject;

/**
 * Decides what each order event asks of the stock: how many units to reserve or release. The decision is the
 * handler's result, which the bus reports per record; writing it to a stock table is the application's part.
 */
public final class OrderHandler implements EventHandler<OrderEvent> {
  @Inject
  public OrderHandler() {}

  @Override
  public Class<OrderEvent> eventType() {
    return OrderEvent.class;
  }

  @Override
  public Map<String, Object> handle(OrderEvent event) {
    Map<String, Object> decision = new LinkedHashMap<>();
    decision.put("orderId", event.orderId());
    decision.put("tenantCode", event.tenantCode());
    if (event instanceof OrderCreated created) {
      Map<String, Integer> units = new LinkedHashMap<>();
      created.items().forEach(line -> units.merge(line.code(), line.quantity(), Integer::sum));
      decision.put("action", "RESERVE");
      decision.put("units", units);
    } else if (event instanceof OrderCancelled cancelled) {
      decision.put("action", "RELEASE");
      decision.put("reason", cancelled.reason());
    } else if (event instanceof OrderShipped shipped) {
      decision.put("action", "CONSUME");
      decision.put("carrier", shipped.carrier());
      decision.put("parcels", shipped.trackingNumbers().size());
    }
    return decision;
  }
}
