package io.cqrssuite.factory;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * The one Jackson configuration for reading delivered events: decimals stay exact (prices, versions, EventBridge
 * details), duplicate keys are rejected rather than silently last-wins, and nothing is bound by reflection: the
 * suite walks trees, which is both faster to start and tolerant of fields AWS adds later.
 */
public final class EventJson {
  private EventJson() {}

  public static ObjectMapper newMapper() {
    return JsonMapper.builder()
        .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .build();
  }
}
