package io.cqrssuite.bench.plot;

import com.fasterxml.jackson.databind.JsonNode;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;

/** The command sync paths side by side: write units per thousand commands, the figure that is the same on AWS. */
final class CommandsChart {
  private CommandsChart() {}

  static JFreeChart of(JsonNode json) {
    JsonNode paths = json.path("paths");
    if (!paths.isObject() || paths.isEmpty()) {
      throw new IllegalArgumentException("the commands JSON has no paths to plot");
    }
    DefaultCategoryDataset bars = new DefaultCategoryDataset();
    paths.fields().forEachRemaining(entry -> {
      JsonNode per1000 = entry.getValue().path("per1000Commands");
      bars.addValue(per1000.path("writeUnits").asDouble(), "write units", entry.getKey());
      bars.addValue(per1000.path("readUnits").asDouble(), "read units", entry.getKey());
    });
    return ChartFactory.createBarChart("bench commands: capacity units per 1,000 commands, per path", "path",
        "capacity units per 1,000 commands", bars, PlotOrientation.VERTICAL, true, false, false);
  }
}
