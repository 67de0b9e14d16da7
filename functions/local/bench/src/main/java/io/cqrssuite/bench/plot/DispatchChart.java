package io.cqrssuite.bench.plot;

import com.fasterxml.jackson.databind.JsonNode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Dispatch's ns per operation, a bar per benchmark beside its baseline's, the ratio in the benchmark's label. Scores
 * span from nanoseconds (dispatch) to tens of microseconds (decoding): the axis is logarithmic.
 */
final class DispatchChart {
  private DispatchChart() {}

  static JFreeChart of(JsonNode json) {
    JsonNode results = json.path("results");
    if (!results.isArray() || results.isEmpty()) {
      throw new IllegalArgumentException("the dispatch JSON has no results[] to plot");
    }
    DefaultCategoryDataset bars = new DefaultCategoryDataset();
    double smallest = Double.MAX_VALUE;
    for (JsonNode result : results) {
      String label = String.format(Locale.ROOT, "%s (%.1fx)", result.path("name").asText(), result.path("ratio").asDouble());
      double suite = result.path("score").asDouble();
      double baseline = result.path("baseline").path("score").asDouble();
      bars.addValue(suite, "suite", label);
      bars.addValue(baseline, "baseline", label);
      smallest = Math.min(smallest, Math.min(suite, baseline));
    }
    JFreeChart chart = ChartFactory.createBarChart("bench dispatch: ns per operation, suite against its baseline",
        "benchmark (suite / baseline)", "ns/op (log)", bars, PlotOrientation.VERTICAL, true, false, false);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    LogAxis axis = new LogAxis("ns/op (log)");
    axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    axis.setNumberFormatOverride(new DecimalFormat("#,##0.###", DecimalFormatSymbols.getInstance(Locale.ROOT)));
    // Bars grow from a decade under the smallest score's (a log axis has no zero), so that the shortest bar is still
    // seen; the renderer includes that base in the auto range.
    double base = Math.pow(10, Math.floor(Math.log10(Math.max(smallest, 1e-3))) - 1);
    plot.setRangeAxis(axis);
    BarRenderer renderer = (BarRenderer) plot.getRenderer();
    renderer.setBase(base);
    renderer.setMaximumBarWidth(0.12);
    // A benchmark's two bars side by side, the gaps between benchmarks.
    renderer.setItemMargin(0.0);
    return chart;
  }
}
