package io.cqrssuite.sync.rds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.bench.Samples;
import io.cqrssuite.catalog.product.ProductRdsMapping;
import io.cqrssuite.event.ChangeRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A product change to the parameter values of its upsert ({@link RowValues} for the catalog's
 * {@link ProductRdsMapping}: every value converted and checked against its column, the remaining attributes
 * collected as JSON), against bare reads of the same attributes into an array, converted and checked not at all.
 *
 * <p>In this package (in the bench module) because {@code RowValues} is, rightly, not API.
 */
@State(Scope.Benchmark)
public class RowProjectionBenchmark {
  private ChangeRecord change;
  private VerifiedTable table;
  private List<String> attributes;
  private final Instant syncedAt = Instant.parse("2026-11-25T01:00:01Z");

  @Setup
  public void setUp() {
    change = Samples.productChange();
    RdsTableMapping mapping = ProductRdsMapping.product();
    // The lengths of the catalog's own product table (V1__product.sql): the checks the sync makes there.
    Map<String, ColumnInfo> columns =
        Map.of(
            "tenant_code", new ColumnInfo("tenant_code", "character varying", 64L),
            "name", new ColumnInfo("name", "character varying", 200L),
            "category", new ColumnInfo("category", "character varying", 64L));
    table = new VerifiedTable(mapping, RowLayout.of(mapping), columns, "(not executed)");
    attributes = mapping.columns().stream().map(RdsColumn::attribute).toList();
  }

  @Benchmark
  public Object[] suite() {
    return RowValues.of(change, table, syncedAt);
  }

  @Benchmark
  public Object[] baseline() {
    ObjectNode image = change.image();
    Object[] values = new Object[attributes.size() + 6];
    values[0] = change.id();
    values[1] = change.pk();
    values[2] = change.code();
    for (int i = 0; i < attributes.size(); i++) {
      JsonNode value = image.get(attributes.get(i));
      values[3 + i] = value == null ? null : value.isTextual() ? value.textValue() : value.isNumber() ? value.numberValue() : value;
    }
    values[values.length - 3] = syncedAt;
    values[values.length - 2] = change.deleted();
    values[values.length - 1] = change.version();
    return values;
  }
}
