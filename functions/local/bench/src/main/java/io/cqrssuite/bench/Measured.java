package io.cqrssuite.bench;

import io.cqrssuite.catalog.imports.CsvRowsBenchmark;
import io.cqrssuite.catalog.imports.CsvScanBenchmark;
import io.cqrssuite.sync.opensearch.DocumentProjectionBenchmark;
import io.cqrssuite.sync.rds.RowProjectionBenchmark;
import java.util.List;

/**
 * What {@code ./suite bench dispatch} measures: one entry per benchmark class, its name in the report, what one
 * operation is and what its baseline does. The order is the report's.
 *
 * @param name the report's name; a class with a {@code @Param} reports one row per value ({@code decode.sqs})
 * @param goalNs a per-operation goal the report says is met or not, or {@code 0} for none; never asserted
 */
public record Measured(String name, Class<?> type, String operation, String baseline, double goalNs) {
  public static final List<Measured> ALL =
      List.of(
          new Measured("dispatch", DispatchBenchmark.class,
              "an event, factory + bus", "HashMap lookup + method call", 1_000),
          new Measured("decode", DecodeBenchmark.class,
              "a sample delivery, bytes to typed events", "ObjectMapper.readTree of the same bytes", 0),
          new Measured("attribute-values", AttributeValueBenchmark.class,
              "a product image, AttributeValueJson.item", "JsonNode.deepCopy of the same item", 0),
          new Measured("stream-record-json", StreamRecordBenchmark.class,
              "a product item, StreamRecordJson.item", "ObjectMapper.valueToTree of the same values", 0),
          new Measured("row", RowProjectionBenchmark.class,
              "a product change to its upsert values", "bare JsonNode reads per column", 0),
          new Measured("document", DocumentProjectionBenchmark.class,
              "a product change to its document bytes", "ObjectMapper.writeValueAsBytes of the image", 0),
          new Measured("csv.scan", CsvScanBenchmark.class,
              "a CSV row, record end found", "a loop counting line feeds", 0),
          new Measured("csv.rows", CsvRowsBenchmark.class,
              "a CSV row to a checked product image", "String.split into lines and fields", 0));

  /** The entries named in {@code names} (report names), in the report's order; all of them for an empty list. */
  public static List<Measured> only(List<String> names) {
    if (names.isEmpty()) {
      return ALL;
    }
    for (String name : names) {
      if (ALL.stream().noneMatch(m -> m.name().equals(name))) {
        throw new IllegalArgumentException(
            "no benchmark named '" + name + "'; known: " + ALL.stream().map(Measured::name).toList());
      }
    }
    return ALL.stream().filter(m -> names.contains(m.name())).toList();
  }
}
