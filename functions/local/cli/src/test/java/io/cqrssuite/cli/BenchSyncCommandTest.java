package io.cqrssuite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.testing.lambda.SamTemplate;
import io.cqrssuite.verification.ProgressLine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code ./suite bench sync} at a tiny size, through the CLI's entry: the wiring (engines, the sizes, both paths
 * checked at each, the naive sample, the latency runs, the heap probe's child JVM, the counting relays, the summary
 * line and its file). It asserts no timing: the figures are the bench's output, not its contract; the counts it
 * does assert follow from the batch size.
 */
class BenchSyncCommandTest {
  private static final Path ROOT = SampleEvents.repositoryRoot();

  @Test
  void benchSyncMeasuresEverySizeAndLeavesTheGuardedPathsRight() throws Exception {
    int templateSize =
        SamTemplate.load(ROOT.resolve("template.yaml")).root().path("Resources").path("EventFactoryFunction")
            .path("Properties").path("Events").path("ProductCommandStream").path("Properties").path("BatchSize").asInt();
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    int code =
        SuiteCli.run(
            new String[] {"bench", "sync", "--entities", "60", "--versions", "5", "--sizes", "10,50", "--naive-sample", "20"},
            new PrintStream(stdout, true, StandardCharsets.UTF_8),
            new PrintStream(stderr, true, StandardCharsets.UTF_8),
            Map.of("SUITE_ROOT", ROOT.toString()));

    String out = stdout.toString(StandardCharsets.UTF_8);
    assertThat(code).as(out).isZero();
    List<String> lines = out.trim().lines().toList();
    String last = lines.get(lines.size() - 1);
    JsonNode summary = new ObjectMapper().readTree(last);
    assertThat(summary.path("commands").asInt()).isEqualTo(300);
    assertThat(summary.path("entities").asInt()).isEqualTo(60);
    assertThat(summary.path("batchSize").asInt()).isEqualTo(templateSize);
    List<Integer> sizes = new ArrayList<>();
    for (JsonNode size : summary.path("sizes")) {
      sizes.add(size.path("batchSize").asInt());
      for (String figure : new String[] {"suitePerSecond", "rawPerSecond", "suiteVsRaw", "p50Ms", "p99Ms"}) {
        assertThat(size.path(figure).asDouble()).as(size + " " + figure).isPositive();
      }
      assertThat(size.path("mismatches").asLong()).as(out).isZero();
      assertThat(size.path("failures").asLong()).as(out).isZero();
      assertThat(size.path("invocations").asLong()).isEqualTo((300 + size.path("batchSize").asLong() - 1) / size.path("batchSize").asLong());
    }
    // The asked sizes and the template's, once each, ascending.
    assertThat(sizes).isEqualTo(Stream.of(10, 50, templateSize).distinct().sorted().toList());
    assertThat(summary.path("suiteVsRaw").asDouble()).isPositive();
    assertThat(sizes).contains(summary.path("rawBestBatchSize").asInt());
    assertThat(summary.path("naiveCommands").asInt()).isEqualTo(20);
    assertThat(summary.path("naivePerSecond").asDouble()).isPositive();

    JsonNode heap = summary.path("heap");
    assertThat(heap.path("maxHeapMb").asInt()).isEqualTo(heap.path("functionMemoryMb").asInt() * 85 / 100);
    assertThat(heap.path("batches")).isNotEmpty();
    for (JsonNode batch : heap.path("batches")) {
      assertThat(batch.path("peakHeapMb").asDouble()).isPositive().isLessThan(heap.path("maxHeapMb").asDouble());
    }

    JsonNode cost = summary.path("perThousandChanges");
    assertThat(cost.path("changesCounted").asInt()).isPositive();
    int counted = cost.path("changesCounted").asInt();
    double invocationsPerThousand = Math.ceil((double) counted / templateSize) * 1000.0 / counted;
    assertThat(cost.path("lambdaInvocations").asDouble()).isCloseTo(invocationsPerThousand, org.assertj.core.data.Offset.offset(0.001));
    // At least one statement per row written, and at least the commit and the batch as round trips per invocation.
    // Every figure per 1,000 changes is rounded to 3 decimals (20/3 invocations: 6.667, doubled 13.334, against 40/3
    // round trips: 13.333), so the comparisons allow the rounding of both sides.
    double invocations = cost.path("lambdaInvocations").asDouble();
    assertThat(cost.path("rdsStatements").asDouble()).isGreaterThanOrEqualTo(invocations * 2 - 0.002);
    assertThat(cost.path("rdsRoundTrips").asDouble()).isGreaterThanOrEqualTo(invocations * 2 - 0.002);
    assertThat(cost.path("openSearchRequests").asDouble()).isGreaterThanOrEqualTo(invocations - 0.001);
    assertThat(cost.path("handlerMs").asDouble()).isPositive();
    assertThat(cost.path("gbSeconds").asDouble()).isPositive();

    assertThat(summary.path("commit").asText()).isNotEmpty();
    assertThat(summary.path("cores").asInt()).isPositive();
    Path file = Path.of(stderr.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("written to ")).reduce((a, b) -> b)
        .orElseThrow().substring("written to ".length()));
    assertThat(file.getFileName().toString()).startsWith("sync-").endsWith(".json");
    assertThat(file.getParent()).isEqualTo(ROOT.resolve("target/bench"));
    // The file is the printed line plus what the CLI records after the bench: the command line that ran it.
    ObjectNode written = (ObjectNode) new ObjectMapper().readTree(Files.readString(file));
    // This small run must not be what `bench report --publish` takes as the newest sync run: remove it and its plot.
    Files.delete(file);
    Files.deleteIfExists(file.resolveSibling(file.getFileName().toString().replace(".json", ".png")));
    assertThat(written.remove("command").asText()).startsWith("./suite bench sync");
    assertThat(written).isEqualTo(summary);
    if (ProgressLine.mode() == ProgressLine.Mode.PLAIN) {
      // No terminal under the build (unless SUITE_PROGRESS=tty says otherwise): progress comes as plain lines.
      assertThat(stderr.toString(StandardCharsets.UTF_8)).doesNotContain("\r").contains("  suite @10: 300 commands in ");
    }
  }
}
