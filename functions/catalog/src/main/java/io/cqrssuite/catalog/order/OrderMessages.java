package io.cqrssuite.catalog.order;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.event.EventBridgeEvent;
import io.cqrssuite.event.EventSource;
import io.cqrssuite.event.InvalidEventException;
import io.cqrssuite.event.SnsMessageEvent;
import io.cqrssuite.event.SqsMessageEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads order messages into order events, checking every field so that a bad message is rejected with the field
 * at fault instead of failing somewhere inside a handler.
 */
public final class OrderMessages {
  private final ObjectMapper mapper;

  public OrderMessages(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  public OrderCreated created(SqsMessageEvent message) {
    return created(message.messageId(), EventSource.SQS, json(message.body(), "body"));
  }

  public OrderCreated created(SnsMessageEvent message) {
    return created(message.messageId(), EventSource.SNS, json(message.message(), "Message"));
  }

  public OrderCancelled cancelled(SqsMessageEvent message) {
    JsonNode body = json(message.body(), "body");
    return new OrderCancelled(
        message.messageId(), EventSource.SQS, text(body, "orderId"), text(body, "tenantCode"), body.path("reason").asText(null));
  }

  public OrderShipped shipped(EventBridgeEvent event) {
    JsonNode detail = event.detail();
    if (detail == null || !detail.isObject()) {
      throw new InvalidEventException("detail", "OrderShipped needs an object detail");
    }
    JsonNode carrier = detail.path("shipment").path("carrier");
    List<String> tracking = new ArrayList<>();
    carrier.path("trackingNumbers").forEach(n -> tracking.add(n.asText()));
    return new OrderShipped(
        event.id(), text(detail, "orderId"), text(detail, "tenantCode"), carrier.path("code").asText(null), tracking);
  }

  private OrderCreated created(String id, EventSource source, JsonNode body) {
    JsonNode items = body.get("items");
    if (items == null || !items.isArray() || items.isEmpty()) {
      throw new InvalidEventException("body.items", "an order needs a non-empty array of items");
    }
    List<OrderLine> lines = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      JsonNode quantity = item.get("quantity");
      if (quantity == null || !quantity.canConvertToExactIntegral() || quantity.intValue() < 1) {
        throw new InvalidEventException("body.items[" + i + "].quantity", "must be a positive integer");
      }
      lines.add(new OrderLine(text(item, "code", "body.items[" + i + "]"), quantity.intValue()));
    }
    return new OrderCreated(id, source, text(body, "orderId"), text(body, "tenantCode"), lines);
  }

  private JsonNode json(String text, String where) {
    try {
      JsonNode node = mapper.readTree(text);
      if (node == null || !node.isObject()) {
        throw new InvalidEventException(where, "an order message must be a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new InvalidEventException(where, "not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static String text(JsonNode node, String field) {
    return text(node, field, "body");
  }

  private static String text(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.textValue().isBlank()) {
      throw new InvalidEventException(where + "." + field, "missing or not a non-empty string");
    }
    return value.textValue();
  }
}
