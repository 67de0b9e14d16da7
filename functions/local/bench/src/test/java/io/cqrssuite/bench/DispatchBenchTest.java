package io.cqrssuite.bench;

import io.cqrssuite.verification.bench.MachineStamp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The harness in a tiny configuration (in this JVM, no warmup, one 100 ms iteration per benchmark), so that the
 * module cannot rot: every benchmark's setup still finds its sample and checks it, JMH still finds every benchmark,
 * and the report keeps its shape. No timing is asserted: these figures mean nothing.
 */
class DispatchBenchTest {
  private static final DispatchBench.Options TINY =
      DispatchBench.Options.defaults().withForks(0).withIterations(0, 1).withIterationMillis(100).quietly();

  @TempDir Path root;

  @Test
  void aRunPrintsATableThenOneJsonLineAndWritesTheSameJsonStampedWithTheMachine() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int exit = DispatchBench.run(TINY, root, print(out), print(err));

    assertThat(exit).isZero();
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines.get(0)).startsWith("benchmark (ns/op)").contains("suite", "baseline", "ratio");
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("dispatch ").contains("HashMap lookup + method call", "goal < "));
    JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));

    List<Path> files;
    try (Stream<Path> written = Files.list(root.resolve("target/bench"))) {
      files = written.toList();
    }
    assertThat(files).singleElement().satisfies(file -> {
      assertThat(file.getFileName().toString()).matches("dispatch-\\d{8}-\\d{6}\\.json");
      assertThat(new ObjectMapper().readTree(file.toFile())).isEqualTo(json);
    });
    assertThat(json.path("bench").asText()).isEqualTo("dispatch");
    assertThat(json.path("commit").asText()).isEqualTo("unknown (not a git checkout)");
    assertThat(json.path("jdk").asText()).contains(System.getProperty("java.runtime.version"));
    assertThat(json.path("cpu").asText()).isNotBlank();
    assertThat(json.path("cores").asInt()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(json.path("config").path("forks").asInt()).isZero();

    List<String> names = new ArrayList<>();
    for (JsonNode row : json.path("results")) {
      names.add(row.path("name").asText());
      assertThat(row.path("unit").asText()).isEqualTo("ns/op");
      assertThat(row.path("score").isNumber()).as("%s score", row).isTrue();
      assertThat(row.path("score").asDouble()).as("%s score", row).isPositive();
      assertThat(row.has("scoreError")).as("%s scoreError (null from one iteration)", row).isTrue();
      assertThat(row.path("baseline").path("what").asText()).isNotBlank();
      assertThat(row.path("baseline").path("score").asDouble()).isPositive();
      assertThat(row.path("ratio").asDouble())
          .isCloseTo(row.path("score").asDouble() / row.path("baseline").path("score").asDouble(),
              org.assertj.core.data.Percentage.withPercentage(1));
    }
    assertThat(names).containsExactly(
        "dispatch", "decode.s3", "decode.sqs", "decode.sns", "decode.eventbridge", "decode.stepfunctions",
        "decode.dynamodb", "attribute-values", "stream-record-json", "row", "document", "csv.scan", "csv.rows");
    assertThat(json.path("results").get(0).path("goalNs").asDouble()).isEqualTo(1000);
    assertThat(json.path("results").get(0).path("goalMet").isBoolean()).isTrue();
    assertThat(json.path("results").get(1).has("goalMet")).as("decoding has no goal").isFalse();
  }

  @Test
  void onlyRunsTheNamedBenchmarks() throws Exception {
    DispatchReport report =
        DispatchBench.measure(TINY.withOnly(List.of("csv.scan")), MachineStamp.of(root), print(new ByteArrayOutputStream()));

    assertThat(report.comparisons()).extracting(Comparison::name).containsExactly("csv.scan");
  }

  @Test
  void anUnknownNameIsRefusedWithTheKnownOnes() {
    assertThatThrownBy(() -> TINY.withOnly(List.of("dispatchh")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no benchmark named 'dispatchh'")
        .hasMessageContaining("csv.rows");
  }

  @Test
  void everyBenchmarkClassIsInTheReportWithASuiteAndABaseline() throws Exception {
    Set<String> generated = new TreeSet<>();
    for (BenchmarkListEntry entry :
        BenchmarkList.defaultList().getAll(OutputFormatFactory.createFormatInstance(print(new ByteArrayOutputStream()), VerboseMode.SILENT), List.of())) {
      generated.add(entry.getUserClassQName());
    }
    Set<String> reported = new TreeSet<>();
    for (Measured measured : Measured.ALL) {
      reported.add(measured.type().getName());
      assertThat(measured.type().getMethod("suite").isAnnotationPresent(Benchmark.class)).as(measured.name()).isTrue();
      assertThat(measured.type().getMethod("baseline").isAnnotationPresent(Benchmark.class)).as(measured.name()).isTrue();
    }
    assertThat(reported).isEqualTo(generated);
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }
}
