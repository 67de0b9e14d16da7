package io.cqrssuite.cli;

import io.cqrssuite.bench.DispatchBench;
import io.cqrssuite.bench.cold.ColdBench;
import io.cqrssuite.cli.Arguments.UsageException;
import io.cqrssuite.verification.LocalReadModels;
import io.cqrssuite.verification.bench.SyncBench;
import io.cqrssuite.verification.importrun.ImportBench;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * {@code ./suite bench sync|import|dispatch}: how fast the suite syncs against baselines measured in the same run, how
 * fast a CSV goes through the whole import path, and the per-event costs in JMH microbenchmarks. The first two write
 * their own data and check it, so both always run on their own embedded engines, never on configured ones; dispatch
 * needs no engine at all.
 */
final class BenchCommand implements Command {
  private static final Usage SYNC =
      Usage.of(
          "bench sync [--entities N] [--versions N] [--seed N] [--sizes N[,N...]] [--naive-sample N] [--arrival-rate N]",
          "How fast the suite syncs, against the raw limit (bare JDBC batches | bare _bulk) of the same engines at",
          "the same batch sizes: in-order product commands (default 10,000 x 10 = 100,000) through the suite (stream",
          "batches into EventFactoryFunction) at batch sizes 10, 100, 1000 (--sizes) and template.yaml's BatchSize,",
          "each run checked against the log; the naive per-document sync on the first 1,000 (--naive-sample); p50/p99",
          "latency at 1,000 records/s (--arrival-rate) through a simulated stream poller; peak heap at the function's",
          "MemorySize in a child JVM; RDS statements and round trips, OpenSearch requests, invocations and handler",
          "ms per 1,000 changes, counted. Tables, then one JSON line, also written to target/bench/sync-<timestamp>.json;",
          "exit 1 when the suite or the raw limit leaves a read model wrong.");
  private static final Usage IMPORT =
      Usage.of(
          "bench import [--rows N] [--chunk-rows N[,N...]] [--seed N] [--no-sync]",
          "A generated CSV (default 100,000 rows, 8 bad) through the whole import path of `run`, once per chunk",
          "size (default 1000; several: a fresh local cloud each): rows/s from upload to the execution's",
          "SUCCEEDED and to the read models synced, peak JVM heap, peak RSS of the harness and dynalite, and the",
          "fastest size; --no-sync stops at SUCCEEDED (to compare chunk sizes). Figures are the local Step",
          "Functions harness's (aws-local-stepfunctions) and dynalite's,",
          "not AWS's. Last line: one JSON object; exit 1 when a read model or a count is wrong.");

  private static final Usage DISPATCH =
      Usage.of(
          "bench dispatch [--only NAME[,NAME...]] [--iteration-ms N]",
          "JMH microbenchmarks of the per-event costs, each against a bare baseline of the same run: dispatch",
          "(factory + bus, goal < 1 us), decoding per source, AttributeValueJson, StreamRecordJson, a product",
          "change to a row and to a document, CSV row scanning. 1 fork, 3 warmup + 5 measured iterations of",
          "800 ms (--iteration-ms) per benchmark: under 5 minutes on 2 cores. A table, then one JSON line, also",
          "written to target/bench/dispatch-<timestamp>.json with the commit, JDK, CPU and cores.");

  private static final Usage COLD =
      Usage.of(
          "bench cold [--runs N] [--only SOURCE[,SOURCE...]] [--no-backends]",
          "Cold starts of EventFactoryFunction's shaded jar in fresh JVMs (the template's JAVA_TOOL_OPTIONS):",
          "one sample event per source (s3, sqs, sns, eventbridge, stepfunctions, dynamodb), without backends",
          "and with embedded PostgreSQL + OpenSearch and moto behind a recording AWS endpoint, N runs each",
          "(default 10), against a bare Jackson handler and one making a first DynamoDB call. Medians and",
          "ranges; goal: a case calling no AWS <= 1.3x the bare floor, others <= the SDK floor. Last line: JSON,",
          "also written to target/bench/cold-<timestamp>.json.");

  @Override
  public String name() {
    return "bench";
  }

  @Override
  public List<Usage> usage() {
    return List.of(SYNC, IMPORT, DISPATCH, COLD);
  }

  @Override
  public int run(Arguments arguments, Shell shell) throws Exception {
    String which = arguments.hasNext() ? arguments.next() : "";
    return switch (which) {
      case "sync" -> sync(arguments, shell);
      case "import" -> importCsv(arguments, shell);
      case "dispatch" -> dispatch(arguments, shell);
      case "cold" -> cold(arguments, shell);
      default -> throw new UsageException("usage: ./suite bench sync [--entities N] [--versions N] [--seed N] [--sizes N[,N...]]"
          + " [--naive-sample N] [--arrival-rate N]"
          + " | ./suite bench import [--rows N] [--chunk-rows N[,N...]] [--seed N] [--no-sync]"
          + " | ./suite bench dispatch [--only NAME[,NAME...]] [--iteration-ms N]"
          + " | ./suite bench cold [--runs N] [--only SOURCE[,SOURCE...]] [--no-backends]");
    };
  }

  private static int sync(Arguments arguments, Shell shell) throws Exception {
    SyncBench.Options options = SyncBench.Options.defaults();
    while (arguments.hasNext()) {
      String word = arguments.next();
      switch (word) {
        case "--entities" -> options = options.withEntities(arguments.positiveInt("--entities"));
        case "--versions" -> options = options.withVersions(arguments.positiveInt("--versions"));
        case "--seed" -> options = options.withSeed(arguments.longValue("--seed"));
        case "--sizes" -> options = withSizes(options, arguments.positiveInts("--sizes"));
        case "--naive-sample" -> options = options.withNaiveSample(arguments.positiveInt("--naive-sample"));
        case "--arrival-rate" -> options = options.withArrivalPerSecond(arguments.positiveInt("--arrival-rate"));
        default -> throw new UsageException("unknown option '" + word + "' for bench sync");
      }
    }
    // The bench empties the read models between its paths.
    Map<String, String> environment = ownEngines(shell);
    try (LocalBackends backends = LocalBackends.start(environment, false, null);
        LocalReadModels readModels = LocalReadModels.start(shell.root(), environment, shell.err())) {
      environment.putAll(readModels.settings());
      return SyncBench.run(options, shell.root(), environment, shell.out(), shell.err());
    }
  }

  private static int importCsv(Arguments arguments, Shell shell) throws Exception {
    ImportBench.Options options = ImportBench.Options.defaults();
    while (arguments.hasNext()) {
      String word = arguments.next();
      switch (word) {
        case "--rows" -> options = options.withRows(arguments.positiveInt("--rows"));
        case "--chunk-rows" -> options = options.withChunkRows(arguments.positiveInts("--chunk-rows"));
        case "--seed" -> options = options.withSeed(arguments.longValue("--seed"));
        case "--no-sync" -> options = options.withoutSync();
        default -> throw new UsageException("unknown option '" + word + "' for bench import");
      }
    }
    Map<String, String> environment = ownEngines(shell);
    try (LocalReadModels readModels = LocalReadModels.start(shell.root(), environment, shell.err())) {
      environment.putAll(readModels.settings());
      return ImportBench.run(options, shell.root(), shell.env(), environment, shell.out(), shell.err());
    }
  }

  private static int dispatch(Arguments arguments, Shell shell) throws Exception {
    DispatchBench.Options options = DispatchBench.Options.defaults();
    while (arguments.hasNext()) {
      String word = arguments.next();
      switch (word) {
        case "--only" -> options = withOnly(options, arguments.value("--only"));
        case "--iteration-ms" -> options = options.withIterationMillis(arguments.positiveInt("--iteration-ms"));
        default -> throw new UsageException("unknown option '" + word + "' for bench dispatch");
      }
    }
    return DispatchBench.run(options, shell.root(), shell.out(), shell.err());
  }

  private static int cold(Arguments arguments, Shell shell) throws Exception {
    ColdBench.Options options = ColdBench.Options.defaults();
    while (arguments.hasNext()) {
      String word = arguments.next();
      switch (word) {
        case "--runs" -> options = options.withRuns(arguments.positiveInt("--runs"));
        case "--only" -> {
          try {
            options = options.withOnly(List.of(arguments.value("--only").split(",")));
          } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
          }
        }
        case "--no-backends" -> options = options.withoutBackends();
        default -> throw new UsageException("unknown option '" + word + "' for bench cold");
      }
    }
    // The template's environment as ./suite invoke builds it; the bench adds its own read models and stand-ins.
    Map<String, String> environment = EventFactoryEnvironment.withoutReadModels(EventFactoryEnvironment.of(shell.root(), shell.env()));
    return ColdBench.run(options, shell.root(), environment, shell.out(), shell.err());
  }

  private static SyncBench.Options withSizes(SyncBench.Options options, List<Integer> sizes) {
    try {
      return options.withSizes(sizes);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static DispatchBench.Options withOnly(DispatchBench.Options options, String names) {
    try {
      return options.withOnly(List.of(names.split(",")));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static Map<String, String> ownEngines(Shell shell) throws IOException {
    Map<String, String> environment = EventFactoryEnvironment.of(shell.root(), shell.env());
    return EventFactoryEnvironment.withoutReadModels(EventFactoryEnvironment.quiet(environment, shell.env()));
  }
}
