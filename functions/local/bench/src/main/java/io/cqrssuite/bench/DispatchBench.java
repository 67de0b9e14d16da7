package io.cqrssuite.bench;

import io.cqrssuite.verification.bench.MachineStamp;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs the benchmarks of {@link Measured} with JMH and pairs each {@code suite} score with its class's
 * {@code baseline} score from the same run.
 */
public final class DispatchBench {
  /**
   * The forked JVMs' options, given explicitly: JMH would otherwise copy the launching JVM's, and {@code ./suite}
   * starts its JVM with {@code -XX:TieredStopAtLevel=1} (fast start, no C2), which would measure the wrong compiler.
   */
  static final List<String> FORK_JVM_ARGS = List.of("-Xms512m", "-Xmx512m");

  private static final DateTimeFormatter FILE_STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private DispatchBench() {}

  /**
   * How long JMH measures. The defaults keep the 26 benchmark runs of a full run under 5 minutes on 2 cores (about
   * 3.5): per run one fork, 3 warmup and 5 measurement iterations of 800 ms. Five measured iterations, not three:
   * JMH's error is a 99.9% confidence half-width, and with three its Student t factor (31.6, against 8.6 for five)
   * makes one noisy iteration on a shared machine swamp the figure.
   *
   * @param forks 0 runs in this JVM (only for the harness's own test: figures are then not trustworthy)
   * @param only report names of {@link Measured} to run; empty for all
   */
  public record Options(
      int forks, int warmupIterations, int measurementIterations, long iterationMillis, List<String> only, boolean quiet) {
    public Options {
      only = List.copyOf(only);
      if (forks < 0 || warmupIterations < 0 || measurementIterations < 1 || iterationMillis < 1) {
        throw new IllegalArgumentException("forks >= 0, warmup iterations >= 0, measurement iterations >= 1 and"
            + " iteration time >= 1 ms are needed; got " + forks + ", " + warmupIterations + ", "
            + measurementIterations + ", " + iterationMillis);
      }
      Measured.only(only);
    }

    public static Options defaults() {
      return new Options(1, 3, 5, 800, List.of(), false);
    }

    public Options withOnly(List<String> names) {
      return new Options(forks, warmupIterations, measurementIterations, iterationMillis, names, quiet);
    }

    public Options withIterationMillis(long millis) {
      return new Options(forks, warmupIterations, measurementIterations, millis, only, quiet);
    }

    public Options withForks(int count) {
      return new Options(count, warmupIterations, measurementIterations, iterationMillis, only, quiet);
    }

    public Options withIterations(int warmup, int measurement) {
      return new Options(forks, warmup, measurement, iterationMillis, only, quiet);
    }

    /** Without JMH's progress lines. */
    public Options quietly() {
      return new Options(forks, warmupIterations, measurementIterations, iterationMillis, only, true);
    }

    String describe() {
      return String.format("JMH: %d fork(s), %d warmup + %d measurement iterations of %d ms, average time",
          forks, warmupIterations, measurementIterations, iterationMillis);
    }
  }

  /**
   * Measures, prints the table and then the JSON object as the last line on {@code out}, and writes the same JSON to
   * {@code <root>/target/bench/dispatch-<timestamp>.json}. JMH's progress goes to {@code err}. Returns the exit code:
   * 0, since a timing is reported, never judged.
   */
  public static int run(Options options, Path root, PrintStream out, PrintStream err) throws IOException, RunnerException {
    DispatchReport report = measure(options, MachineStamp.of(root), err);
    String json = new ObjectMapper().writeValueAsString(report.json());
    Path file = root.resolve("target/bench/dispatch-" + FILE_STAMP.format(report.at()) + ".json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, json + "\n");
    out.println(report.table());
    out.println("figures written to " + file);
    out.println(json);
    return 0;
  }

  public static DispatchReport measure(Options options, MachineStamp machine, PrintStream progress) throws RunnerException {
    List<Measured> selected = Measured.only(options.only());
    ChainedOptionsBuilder jmh =
        new OptionsBuilder()
            .mode(Mode.AverageTime)
            .timeUnit(TimeUnit.NANOSECONDS)
            .forks(options.forks())
            .warmupIterations(options.warmupIterations())
            .warmupTime(TimeValue.milliseconds(options.iterationMillis()))
            .measurementIterations(options.measurementIterations())
            .measurementTime(TimeValue.milliseconds(options.iterationMillis()))
            .jvmArgs(FORK_JVM_ARGS.toArray(String[]::new))
            .shouldFailOnError(true)
            .verbosity(options.quiet() ? VerboseMode.SILENT : VerboseMode.NORMAL);
    for (Measured measured : selected) {
      jmh.include("^" + Pattern.quote(measured.type().getName() + ".") + "(suite|baseline)$");
    }
    VerboseMode verbosity = options.quiet() ? VerboseMode.SILENT : VerboseMode.NORMAL;
    Instant at = Instant.now();
    Collection<RunResult> results =
        new Runner(jmh.build(), OutputFormatFactory.createFormatInstance(progress, verbosity)).run();
    return new DispatchReport(at, machine, options, pair(selected, results));
  }

  /** Pairs the {@code suite} and {@code baseline} results of each class and parameter values, in report order. */
  static List<Comparison> pair(List<Measured> selected, Collection<RunResult> results) {
    Map<String, Score> scores = new HashMap<>();
    List<String> keys = new ArrayList<>();
    for (RunResult result : results) {
      BenchmarkParams params = result.getParams();
      String benchmark = params.getBenchmark();
      int dot = benchmark.lastIndexOf('.');
      String key = benchmark.substring(0, dot) + parameters(params);
      scores.put(key + "#" + benchmark.substring(dot + 1),
          new Score(result.getPrimaryResult().getScore(), result.getPrimaryResult().getScoreError()));
      if (!keys.contains(key)) {
        keys.add(key);
      }
    }
    List<Comparison> comparisons = new ArrayList<>();
    for (Measured measured : selected) {
      for (String key : keys) {
        String type = measured.type().getName();
        if (!key.equals(type) && !key.startsWith(type + ".")) {
          continue;
        }
        Score suite = Objects.requireNonNull(scores.get(key + "#suite"), () -> "JMH reported no suite() for " + key);
        Score baseline = Objects.requireNonNull(scores.get(key + "#baseline"), () -> "JMH reported no baseline() for " + key);
        comparisons.add(new Comparison(measured.name() + key.substring(type.length()), measured, suite, baseline));
      }
    }
    if (comparisons.isEmpty()) {
      throw new IllegalStateException("JMH ran none of " + selected.stream().map(Measured::name).toList()
          + ": is META-INF/BenchmarkList on the class path (functions/local/bench built with its annotation processor)?");
    }
    return comparisons;
  }

  /** {@code ""}, or {@code ".value"} per parameter in JMH's order: the row name's suffix. */
  private static String parameters(BenchmarkParams params) {
    StringBuilder suffix = new StringBuilder();
    for (String name : params.getParamsKeys()) {
      suffix.append('.').append(params.getParam(name));
    }
    return suffix.toString();
  }
}
