package io.cqrssuite.cli;

import io.cqrssuite.fixtures.SampleEvents;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.verification.ProgressLine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code ./suite bench sync} at a tiny size, through the CLI's entry: a smoke test of the wiring (engines, the three
 * paths, the checks, the summary line). It asserts no timing: the figures are the bench's output, not its contract.
 */
class BenchSyncCommandTest {
  private static final Path ROOT = SampleEvents.repositoryRoot();

  @Test
  void benchSyncMeasuresEveryPathAndLeavesTheGuardedPathsRight() throws Exception {
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    int code =
        SuiteCli.run(
            new String[] {"bench", "sync", "--entities", "50", "--versions", "2"},
            new PrintStream(stdout, true, StandardCharsets.UTF_8),
            new PrintStream(stderr, true, StandardCharsets.UTF_8),
            Map.of("SUITE_ROOT", ROOT.toString()));

    String out = stdout.toString(StandardCharsets.UTF_8);
    assertThat(code).as(out).isZero();
    List<String> lines = out.trim().lines().toList();
    JsonNode summary = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertThat(summary.path("commands").asInt()).isEqualTo(100);
    for (String rate : new String[] {"suiteRate", "naiveRate", "rawRate"}) {
      assertThat(summary.path(rate).asDouble()).as(rate).isPositive();
    }
    assertThat(summary.path("mismatches").path("suite").asLong()).as(out).isZero();
    assertThat(summary.path("mismatches").path("raw").asLong()).as(out).isZero();
    assertThat(out).contains("suite", "naive", "raw limit", "warm-up");
    if (ProgressLine.mode() == ProgressLine.Mode.PLAIN) {
      // No terminal under the build (unless SUITE_PROGRESS=tty says otherwise): progress comes as plain lines.
      assertThat(stderr.toString(StandardCharsets.UTF_8)).doesNotContain("\r").contains("  suite: 100 commands in ");
    }
  }
}
