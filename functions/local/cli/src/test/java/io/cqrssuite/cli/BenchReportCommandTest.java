package io.cqrssuite.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cqrssuite.cli.Arguments.UsageException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./suite bench report [--publish]} on a root of its own: publishing the newest run, the plots beside the
 * published files, and the page regenerated from them.
 */
class BenchReportCommandTest {
  private static final String SYNC_RUN =
      "{\"commit\":\"0123456789abcdef\",\"jdk\":\"JDK 17\",\"cpu\":\"CPU\",\"cores\":2,\"commands\":2000,\"entities\":1000,"
          + "\"batchSize\":100,\"suiteVsRaw\":0.5,\"suiteVsRawBest\":0.25,\"rawBestBatchSize\":1000,\"sizes\":["
          + "{\"batchSize\":10,\"suitePerSecond\":1000.0,\"rawPerSecond\":2000.0,\"suiteVsRaw\":0.5,\"p50Ms\":5.0,\"p99Ms\":9.0},"
          + "{\"batchSize\":100,\"suitePerSecond\":1500.0,\"rawPerSecond\":3000.0,\"suiteVsRaw\":0.5,\"p50Ms\":50.0,\"p99Ms\":90.0}]}";

  @TempDir Path root;
  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();

  private int cli(String... args) {
    return SuiteCli.run(args, new PrintStream(stdout, true, StandardCharsets.UTF_8), System.err,
        Map.of("SUITE_ROOT", root.toString()));
  }

  @Test
  void publishCopiesTheNewestRunDrawsItAndRegeneratesThePage() throws Exception {
    Files.createDirectories(root.resolve("target/bench"));
    Files.writeString(root.resolve("target/bench/sync-20261205-190000.json"), SYNC_RUN.replace("2000.0", "1.0"));
    Files.writeString(root.resolve("target/bench/sync-20261205-193000.json"), SYNC_RUN);
    // The older run is older on disk too.
    Files.setLastModifiedTime(root.resolve("target/bench/sync-20261205-190000.json"),
        java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));

    assertThat(cli("bench", "report", "--publish")).isZero();

    assertThat(stdout.toString(StandardCharsets.UTF_8))
        .contains("published docs/benchmarks/sync.json", "plot drawn to docs/benchmarks/sync.png",
            "docs/benchmarks.md written: 1 of 5 benches measured");
    assertThat(Files.readString(root.resolve("docs/benchmarks/sync.json"))).isEqualTo(SYNC_RUN);
    BufferedImage png = ImageIO.read(root.resolve("docs/benchmarks/sync.png").toFile());
    assertThat(png).isNotNull();
    String page = Files.readString(root.resolve("docs/benchmarks.md"));
    assertThat(page)
        .contains("| 100 | 1,500 | 3,000 | 0.50 | 50.0 | 90.0 |")
        .contains("Not yet measured: run `./suite bench cold`", "Not yet measured: run `./suite bench dispatch`");
  }

  @Test
  void reportWithoutPublishRedrawsOnlyWhatIsPublished() throws Exception {
    assertThat(cli("bench", "report")).isZero();

    assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("docs/benchmarks.md written: 0 of 5 benches measured");
    assertThat(Files.readString(root.resolve("docs/benchmarks.md")))
        .contains("Not yet measured: run `./suite bench sync`");
  }

  @Test
  void publishWithNoRunSaysWhatToRunFirst() {
    assertThatThrownBy(() -> cli("bench", "report", "--publish"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("nothing to publish")
        .hasMessageContaining("run ./suite bench sync, cold, dispatch, commands or cost first");
    assertThat(root.resolve("docs/benchmarks.md")).doesNotExist();
  }
}
