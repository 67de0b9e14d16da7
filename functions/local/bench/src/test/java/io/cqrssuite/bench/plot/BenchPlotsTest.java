package io.cqrssuite.bench.plot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.bench.results.BenchResult;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.statistics.BoxAndWhiskerCategoryDataset;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each bench's plot from a file of that bench (a hand-made sync file, and real small runs of cold and dispatch): the
 * chart holds the file's values, and the PNG beside the file is an image of the chart's size.
 */
class BenchPlotsTest {
  private static final Path RESULTS = Path.of("src/test/resources/results");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void syncDrawsSuiteAndRawThroughputOverBatchSize(@TempDir Path dir) throws IOException {
    BenchResult result = BenchResult.read(copy("sync-20261205-120000.json", dir));

    JFreeChart chart = BenchPlots.chart(result);

    XYDataset lines = chart.getXYPlot().getDataset();
    assertThat(lines.getSeriesCount()).isEqualTo(2);
    assertThat(lines.getSeriesKey(0)).isEqualTo("suite");
    assertThat(lines.getSeriesKey(1)).isEqualTo("raw limit");
    JsonNode sizes = result.json().path("sizes");
    assertThat(lines.getItemCount(0)).isEqualTo(sizes.size());
    for (int i = 0; i < sizes.size(); i++) {
      assertThat(lines.getXValue(0, i)).isEqualTo(sizes.get(i).path("batchSize").asDouble());
      assertThat(lines.getYValue(0, i)).isEqualTo(sizes.get(i).path("suitePerSecond").asDouble());
      assertThat(lines.getYValue(1, i)).isEqualTo(sizes.get(i).path("rawPerSecond").asDouble());
    }
    // 1 to 1000: batch sizes a decade apart are spaced evenly.
    assertThat(chart.getXYPlot().getDomainAxis()).isInstanceOf(LogAxis.class);
    assertPng(BenchPlots.draw(result), result);
  }

  @Test
  void coldDrawsABoxPerCaseFromEveryRunsTotal(@TempDir Path dir) throws IOException {
    BenchResult result = BenchResult.read(copy("cold-20261205-192750.json", dir));

    JFreeChart chart = BenchPlots.chart(result);

    BoxAndWhiskerCategoryDataset boxes = (BoxAndWhiskerCategoryDataset) chart.getCategoryPlot().getDataset();
    assertThat(boxes.getColumnKeys()).containsExactly("floor bare", "floor sdk", "sqs.without");
    JsonNode sqs = result.json().path("cases").path("sqs.without");
    JsonNode total = sqs.path("totalMs");
    assertThat(boxes.getMedianValue(0, 2).doubleValue()).isEqualTo(total.path("median").asDouble());
    assertThat(boxes.getMinRegularValue(0, 2).doubleValue()).isEqualTo(total.path("min").asDouble());
    assertThat(boxes.getMaxRegularValue(0, 2).doubleValue()).isEqualTo(total.path("max").asDouble());
    // Quartiles from the three runs, strictly inside the range: a box, not a line.
    assertThat(boxes.getQ1Value(0, 2).doubleValue()).isBetween(total.path("min").asDouble(), total.path("median").asDouble());
    assertThat(boxes.getQ3Value(0, 2).doubleValue()).isBetween(total.path("median").asDouble(), total.path("max").asDouble());
    assertThat(boxes.getQ3Value(0, 2).doubleValue()).isGreaterThan(boxes.getQ1Value(0, 2).doubleValue());
    assertThat(chart.getTitle().getText()).isEqualTo("bench cold: total ms per case, 3 runs");
    assertPng(BenchPlots.draw(result), result);
  }

  @Test
  void coldFromBeforePerRunTotalsDrawsMedianAndRangeAndSaysSo(@TempDir Path dir) throws IOException {
    ObjectNode json = (ObjectNode) MAPPER.readTree(RESULTS.resolve("cold-20261205-192750.json").toFile());
    List<ObjectNode> figures = new ArrayList<>();
    json.path("floors").forEach(f -> figures.add((ObjectNode) f));
    json.path("cases").forEach(f -> figures.add((ObjectNode) f));
    figures.forEach(f -> f.remove("totalMsRuns"));
    Path file = dir.resolve("cold-20261205-000000.json");
    Files.writeString(file, MAPPER.writeValueAsString(json));

    JFreeChart chart = BenchPlots.chart(BenchResult.read(file));

    BoxAndWhiskerCategoryDataset boxes = (BoxAndWhiskerCategoryDataset) chart.getCategoryPlot().getDataset();
    JsonNode total = json.path("cases").path("sqs.without").path("totalMs");
    assertThat(boxes.getQ1Value(0, 2).doubleValue()).isEqualTo(total.path("median").asDouble());
    assertThat(boxes.getQ3Value(0, 2).doubleValue()).isEqualTo(total.path("median").asDouble());
    assertThat(boxes.getMaxRegularValue(0, 2).doubleValue()).isEqualTo(total.path("max").asDouble());
    assertThat(chart.getTitle().getText()).contains("median and range only");
  }

  @Test
  void dispatchDrawsEachBenchmarkBesideItsBaseline(@TempDir Path dir) throws IOException {
    BenchResult result = BenchResult.read(copy("dispatch-20261205-192809.json", dir));

    JFreeChart chart = BenchPlots.chart(result);

    CategoryDataset bars = chart.getCategoryPlot().getDataset();
    assertThat(bars.getRowKeys()).containsExactly("suite", "baseline");
    JsonNode results = result.json().path("results");
    assertThat(bars.getColumnCount()).isEqualTo(results.size());
    for (int i = 0; i < results.size(); i++) {
      assertThat(bars.getColumnKey(i).toString()).startsWith(results.get(i).path("name").asText() + " (");
      assertThat(bars.getValue(0, i).doubleValue()).isEqualTo(results.get(i).path("score").asDouble());
      assertThat(bars.getValue(1, i).doubleValue()).isEqualTo(results.get(i).path("baseline").path("score").asDouble());
    }
    assertPng(BenchPlots.draw(result), result);
  }

  private static Path copy(String name, Path dir) throws IOException {
    return Files.copy(RESULTS.resolve(name), dir.resolve(name));
  }

  private static void assertPng(Path png, BenchResult result) throws IOException {
    assertThat(png).isEqualTo(result.png());
    assertThat(png.getFileName().toString()).isEqualTo(result.file().getFileName().toString().replace(".json", ".png"));
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image).as("a PNG ImageIO reads").isNotNull();
    assertThat(image.getWidth()).isEqualTo(BenchPlots.WIDTH);
    assertThat(image.getHeight()).isEqualTo(BenchPlots.HEIGHT);
  }
}
