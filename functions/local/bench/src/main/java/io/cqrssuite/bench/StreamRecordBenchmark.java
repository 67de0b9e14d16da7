package io.cqrssuite.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.reliability.stream.StreamRecordJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A product item as the SDK returns it ({@code Map<String, AttributeValue>}) to the stream's attribute-value JSON
 * ({@link StreamRecordJson}, which the stream replay uses), against Jackson's {@code valueToTree} of the same values
 * held as plain Java objects.
 */
@State(Scope.Benchmark)
public class StreamRecordBenchmark {
  private Map<String, AttributeValue> item;
  private Map<String, Object> plain;
  private StreamRecordJson json;
  private ObjectMapper mapper;

  @Setup
  public void setUp() {
    mapper = EventJson.newMapper();
    json = new StreamRecordJson(mapper.getNodeFactory());
    item = new LinkedHashMap<>();
    plain = new LinkedHashMap<>();
    Samples.productAttributeValues().properties().forEach(field -> {
      item.put(field.getKey(), sdkValue(field.getValue()));
      plain.put(field.getKey(), plainValue(field.getValue()));
    });
  }

  /** The SDK's value for one attribute value of the sample (the types a product has: S, N, BOOL, L). */
  private static AttributeValue sdkValue(JsonNode attribute) {
    String type = attribute.fieldNames().next();
    JsonNode v = attribute.get(type);
    return switch (type) {
      case "S" -> AttributeValue.fromS(v.textValue());
      case "N" -> AttributeValue.fromN(v.textValue());
      case "BOOL" -> AttributeValue.fromBool(v.booleanValue());
      case "L" -> {
        List<AttributeValue> list = new ArrayList<>();
        v.forEach(element -> list.add(sdkValue(element)));
        yield AttributeValue.fromL(list);
      }
      default -> throw new IllegalStateException("the product sample has an attribute of type " + type);
    };
  }

  private static Object plainValue(JsonNode attribute) {
    String type = attribute.fieldNames().next();
    JsonNode v = attribute.get(type);
    return switch (type) {
      case "S" -> v.textValue();
      case "N" -> new java.math.BigDecimal(v.textValue());
      case "BOOL" -> v.booleanValue();
      case "L" -> {
        List<Object> list = new ArrayList<>();
        v.forEach(element -> list.add(plainValue(element)));
        yield list;
      }
      default -> throw new IllegalStateException("the product sample has an attribute of type " + type);
    };
  }

  @Benchmark
  public ObjectNode suite() {
    return json.item(item);
  }

  @Benchmark
  public JsonNode baseline() {
    return mapper.valueToTree(plain);
  }
}
