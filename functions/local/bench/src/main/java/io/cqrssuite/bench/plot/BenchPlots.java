package io.cqrssuite.bench.plot;

import io.cqrssuite.verification.bench.MachineStamp;
import io.cqrssuite.bench.results.BenchResult;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.TextTitle;

/** Draws a bench's JSON as a PNG beside it ({@link BenchResult#png()}). */
public final class BenchPlots {
  static {
    // Benches run on build machines and CI without a display; AWT must not look for one.
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  static final int WIDTH = 960;
  static final int HEIGHT = 540;
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private BenchPlots() {}

  /** Writes the PNG and returns its path. */
  public static Path draw(BenchResult result) throws IOException {
    Path png = result.png();
    ChartUtils.saveChartAsPNG(png.toFile(), chart(result), WIDTH, HEIGHT);
    return png;
  }

  static JFreeChart chart(BenchResult result) {
    JFreeChart chart = switch (result.bench()) {
      case SYNC -> SyncChart.of(result.json());
      case COLD -> ColdChart.of(result.json());
      case DISPATCH -> DispatchChart.of(result.json());
      case COMMANDS -> CommandsChart.of(result.json());
      case COST -> CostChart.of(result.json());
    };
    chart.addSubtitle(new TextTitle(machine(result)));
    // White, not JFreeChart's grey: the plots sit on a documentation page.
    Plot plot = chart.getPlot();
    plot.setBackgroundPaint(Color.WHITE);
    if (plot instanceof CategoryPlot category) {
      category.setRangeGridlinePaint(Color.GRAY);
    } else if (plot instanceof XYPlot xy) {
      xy.setRangeGridlinePaint(Color.GRAY);
      xy.setDomainGridlinePaint(Color.GRAY);
    }
    return chart;
  }

  /** Which machine and commit, so that a picture lifted out of the page still says where it was measured. */
  private static String machine(BenchResult result) {
    MachineStamp machine = result.machine();
    String commit = machine.commit().length() > 12 ? machine.commit().substring(0, 12) : machine.commit();
    return result.command().orElse(result.bench().command()) + "  |  commit " + commit + "  |  " + machine.cpu()
        + ", " + machine.cores() + " cores  |  " + result.at().map(DAY::format).orElse("date unknown");
  }
}
