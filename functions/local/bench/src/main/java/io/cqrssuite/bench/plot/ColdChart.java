package io.cqrssuite.bench.plot;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.BoxAndWhiskerRenderer;
import org.jfree.data.statistics.BoxAndWhiskerItem;
import org.jfree.data.statistics.DefaultBoxAndWhiskerCategoryDataset;

/**
 * Cold's total milliseconds (launch to first event returned) as one box per case, the floors first. A box needs
 * every run's total ({@code totalMsRuns}); a file from before that field has only median and range, drawn as a flat
 * box at the median with whiskers to the range, and the subtitle says so.
 */
final class ColdChart {
  private static final String SERIES = "total ms";

  private ColdChart() {}

  static JFreeChart of(JsonNode json) {
    DefaultBoxAndWhiskerCategoryDataset boxes = new DefaultBoxAndWhiskerCategoryDataset();
    boolean quartiles = true;
    List<Map.Entry<String, JsonNode>> rows = new ArrayList<>();
    json.path("floors").fields().forEachRemaining(floor -> rows.add(Map.entry("floor " + floor.getKey(), floor.getValue())));
    json.path("cases").fields().forEachRemaining(rows::add);
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("the cold JSON has no floors or cases to plot");
    }
    for (Map.Entry<String, JsonNode> row : rows) {
      JsonNode figures = row.getValue();
      JsonNode runs = figures.path("totalMsRuns");
      if (runs.isArray() && !runs.isEmpty()) {
        List<Double> totals = new ArrayList<>();
        runs.forEach(run -> totals.add(run.asDouble()));
        boxes.add(totals, SERIES, row.getKey());
      } else {
        quartiles = false;
        JsonNode total = figures.path("totalMs");
        double median = total.path("median").asDouble();
        boxes.add(new BoxAndWhiskerItem(median, median, median, median, total.path("min").asDouble(),
            total.path("max").asDouble(), null, null, List.of()), SERIES, row.getKey());
      }
    }
    JFreeChart chart = ChartFactory.createBoxAndWhiskerChart(
        "bench cold: total ms per case, " + json.path("runs").asText("?") + " runs"
            + (quartiles ? "" : " (median and range only: no per-run totals in this file)"),
        "case", "launch to first event returned (ms)", boxes, false);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    // From zero: a cold start's cost is read against the whole, not against the fastest case.
    ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(true);
    BoxAndWhiskerRenderer renderer = (BoxAndWhiskerRenderer) plot.getRenderer();
    // The mean is not in the JSON's vocabulary (medians are): draw only what the page's table also shows.
    renderer.setMeanVisible(false);
    renderer.setMaximumBarWidth(0.12);
    return chart;
  }
}
