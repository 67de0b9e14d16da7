package io.cqrssuite.bench.plot;

import com.fasterxml.jackson.databind.JsonNode;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;

/** Dollars per million changes per command-sync path, stacked by what they pay for (Lambda on arm64). */
final class CostChart {
  private CostChart() {}

  static JFreeChart of(JsonNode json) {
    JsonNode paths = json.path("perMillionChanges");
    if (!paths.isObject() || paths.isEmpty()) {
      throw new IllegalArgumentException("the cost JSON has no perMillionChanges to plot");
    }
    DefaultCategoryDataset bars = new DefaultCategoryDataset();
    paths.fields().forEachRemaining(entry -> {
      JsonNode path = entry.getValue();
      bars.addValue(path.path("dynamoDb").path("usd").asDouble(), "DynamoDB", entry.getKey());
      bars.addValue(path.path("lambda").path("requestsUsd").asDouble(), "Lambda requests", entry.getKey());
      bars.addValue(path.path("lambda").path("computeUsd").path("arm64").asDouble(), "Lambda GB-s (arm64)", entry.getKey());
    });
    return ChartFactory.createStackedBarChart("bench cost: USD per million changes, per command-sync path", "path",
        "USD per million changes", bars, PlotOrientation.VERTICAL, true, false, false);
  }
}
