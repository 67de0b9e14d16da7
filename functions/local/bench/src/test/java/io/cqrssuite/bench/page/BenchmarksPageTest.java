package io.cqrssuite.bench.page;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cqrssuite.bench.results.Bench;
import io.cqrssuite.bench.results.BenchFiles;
import io.cqrssuite.bench.results.BenchResult;
import io.cqrssuite.fixtures.SampleEvents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docs/benchmarks.md} against the committed results under {@code docs/benchmarks/}: the page is exactly what
 * the generator makes of them, and every figure on it is one of their values.
 */
class BenchmarksPageTest {
  private static final Path ROOT = SampleEvents.repositoryRoot();
  private static final Path SYNC = Path.of("src/test/resources/results/sync-20261205-120000.json");

  @Test
  void theCommittedPageIsWhatTheGeneratorMakesFromTheCommittedJson() throws IOException {
    assertThat(Files.readString(ROOT.resolve(BenchmarksPage.PATH)))
        .as("docs/benchmarks.md is generated: run ./suite bench report after changing docs/benchmarks/*.json")
        .isEqualTo(BenchmarksPage.render(ROOT));
  }

  @Test
  void everyFigureOnTheCommittedPageIsAValueOfACommittedJson() throws IOException {
    String page = Files.readString(ROOT.resolve(BenchmarksPage.PATH));
    List<JsonNode> files = BenchFiles.published(ROOT).stream().map(BenchResult::json).toList();

    assertThat(files).as("at least one bench is published, or the page has no figure to check").isNotEmpty();
    assertThat(PageFigures.count(page)).as("figures on the page").isGreaterThan(20);
    assertThat(PageFigures.notInFiles(page, files)).as("numbers on docs/benchmarks.md in no docs/benchmarks/*.json").isEmpty();
  }

  @Test
  void eachCommittedResultHasItsPlotBesideIt() throws IOException {
    for (BenchResult result : BenchFiles.published(ROOT)) {
      assertThat(result.png()).as("run ./suite bench report to draw it").isRegularFile();
    }
  }

  @Test
  void aFigureChangedByHandIsCaught(@TempDir Path root) throws IOException {
    publish(root, SYNC, Bench.SYNC);
    List<JsonNode> files = BenchFiles.published(root).stream().map(BenchResult::json).toList();
    String page = BenchmarksPage.render(root);
    assertThat(PageFigures.notInFiles(page, files)).isEmpty();

    // The raw limit at batch size 100: 4344.1 commands/s in the file, 4,344 on the page.
    assertThat(page).contains("| 100 | 1,830 | 4,344 | 0.42 |");
    assertThat(PageFigures.notInFiles(page.replace("| 4,344 |", "| 4,345 |"), files)).containsExactly("4,345");
    assertThat(PageFigures.notInFiles(page.replace("| 0.42 |", "| 0.47 |"), files)).containsExactly("0.47");
    assertThat(PageFigures.notInFiles(page + "\nAbout 3.5 times faster.\n", files)).containsExactly("3.5");
    // Options on a command line are not figures.
    assertThat(PageFigures.notInFiles(page + "\nRun `./suite bench sync --entities 77777`.\n", files)).isEmpty();
  }

  @Test
  void syncShowsEverySizeOfItsFileAndTheSummaryFields(@TempDir Path root) throws IOException {
    publish(root, SYNC, Bench.SYNC);

    String page = BenchmarksPage.render(root);

    String section = section(page, "sync");
    assertThat(section)
        .contains("Measured with `./suite bench sync` (options not recorded) at commit"
            + " `0123456789abcdef0123456789abcdef01234567`, on Hand-made CPU 9000 (2 cores), Test JDK 17.0.15")
        .contains("2,000 commands over 1,000 entities")
        .contains("suite's batch size (100) the suite runs at 0.42 of the raw limit")
        .contains("fastest batch size (1,000), at 0.32")
        .contains("![bench sync](benchmarks/sync.png)", "[sync.json](benchmarks/sync.json)")
        .contains("| 1 | 212 | 489 | 0.43 | 4.3 | 18.9 |")
        .contains("| 1,000 | 1,913 | 6,040 | 0.32 | 498.5 | 911.4 |");
    assertThat(section.lines().filter(line -> line.matches("\\| [\\d,]+ \\|.*"))).hasSize(4);
    // The hand-made file has no "at": the page says so rather than invent a date.
    assertThat(section).contains("started at an unrecorded time");
  }

  @Test
  void aBenchWithNothingPublishedIsNotYetMeasuredWithItsCommand(@TempDir Path root) throws IOException {
    publish(root, SYNC, Bench.SYNC);

    String page = BenchmarksPage.render(root);

    assertThat(section(page, "cold")).contains("Not yet measured: run `./suite bench cold`, then `./suite bench report --publish`.");
    assertThat(section(page, "dispatch")).contains("Not yet measured: run `./suite bench dispatch`");
    assertThat(section(page, "sync")).doesNotContain("Not yet measured");
    assertThat(BenchmarksPage.render(List.of())).contains("Not yet measured: run `./suite bench sync`");
  }

  private static void publish(Path root, Path file, Bench bench) throws IOException {
    Path published = root.resolve(BenchFiles.PUBLISHED);
    Files.createDirectories(published);
    Files.copy(file, published.resolve(bench.publishedName()));
  }

  /** From the bench's heading to the next heading. */
  private static String section(String page, String bench) {
    Matcher section = Pattern.compile("(?s)## bench " + bench + "\n(.*?)(?=\n## |\\z)").matcher(page);
    assertThat(section.find()).as("a section for bench " + bench).isTrue();
    return section.group(1);
  }
}
