package io.cqrssuite.command;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** One entity of the data table: its partition key and code (the data item's sort key). */
record EntityKey(String pk, String code) {
  Map<String, AttributeValue> dataKey() {
    return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(code));
  }

  static EntityKey of(Map<String, AttributeValue> dataItem) {
    return new EntityKey(dataItem.get("pk").s(), dataItem.get("sk").s());
  }

  @Override
  public String toString() {
    return pk + "#" + code;
  }
}
