package io.cqrssuite.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.factory.AttributeValueJson;
import io.cqrssuite.factory.EventJson;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A product image from DynamoDB's attribute-value JSON to plain JSON ({@link AttributeValueJson}: every value checked,
 * numbers exact), against Jackson's own copy of the same tree, which builds as many nodes and checks nothing.
 */
@State(Scope.Benchmark)
public class AttributeValueBenchmark {
  private ObjectNode attributeValues;
  private AttributeValueJson converter;

  @Setup
  public void setUp() {
    attributeValues = Samples.productAttributeValues();
    converter = new AttributeValueJson(EventJson.newMapper().getNodeFactory());
  }

  @Benchmark
  public ObjectNode suite() {
    return converter.item(attributeValues, "NewImage");
  }

  @Benchmark
  public ObjectNode baseline() {
    return attributeValues.deepCopy();
  }
}
