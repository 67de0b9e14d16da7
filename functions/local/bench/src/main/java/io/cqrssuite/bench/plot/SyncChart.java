package io.cqrssuite.bench.plot;

import com.fasterxml.jackson.databind.JsonNode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Sync's commands per second over the batch size, the suite and the raw limit one line each. */
final class SyncChart {
  private SyncChart() {}

  static JFreeChart of(JsonNode json) {
    JsonNode sizes = json.path("sizes");
    if (!sizes.isArray() || sizes.isEmpty()) {
      throw new IllegalArgumentException("the sync JSON has no sizes[] to plot");
    }
    XYSeries suite = new XYSeries("suite");
    XYSeries raw = new XYSeries("raw limit");
    double smallest = Double.MAX_VALUE;
    double largest = 0;
    for (JsonNode size : sizes) {
      double batch = size.path("batchSize").asDouble();
      smallest = Math.min(smallest, batch);
      largest = Math.max(largest, batch);
      suite.add(batch, size.path("suitePerSecond").asDouble());
      raw.add(batch, size.path("rawPerSecond").asDouble());
    }
    XYSeriesCollection lines = new XYSeriesCollection();
    lines.addSeries(suite);
    lines.addSeries(raw);
    JFreeChart chart = ChartFactory.createXYLineChart("bench sync: throughput over batch size ("
        + json.path("commands").asText("?") + " commands)", "batch size", "commands/s", lines,
        PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    // Batch sizes usually grow by factors (10, 100, 1000): a log axis spaces them evenly.
    if (smallest > 0 && largest / smallest >= 10) {
      LogAxis axis = new LogAxis("batch size (log)");
      axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
      axis.setNumberFormatOverride(new DecimalFormat("#,##0", DecimalFormatSymbols.getInstance(Locale.ROOT)));
      plot.setDomainAxis(axis);
    }
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    plot.setRenderer(renderer);
    ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(true);
    return chart;
  }
}
