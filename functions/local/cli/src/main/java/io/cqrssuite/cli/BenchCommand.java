package io.cqrssuite.cli;

import io.cqrssuite.bench.DispatchBench;
import io.cqrssuite.bench.commands.CommandsBench;
import io.cqrssuite.bench.cost.CostBench;
import io.cqrssuite.bench.cold.ColdBench;
import io.cqrssuite.bench.page.BenchmarksPage;
import io.cqrssuite.bench.plot.BenchPlots;
import io.cqrssuite.bench.results.Bench;
import io.cqrssuite.bench.results.BenchFiles;
import io.cqrssuite.bench.results.BenchResult;
import io.cqrssuite.cli.Arguments.UsageException;
import io.cqrssuite.verification.LocalReadModels;
import io.cqrssuite.verification.bench.SyncBench;
import io.cqrssuite.verification.importrun.ImportBench;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code ./suite bench sync|import|dispatch|cold|commands|cost|report}: how fast the suite syncs against baselines
 * measured in the same run, how fast a CSV goes through the whole import path, the per-event costs in JMH
 * microbenchmarks, cold starts, the command stream's sync stage per path, and what a million changes cost from the
 * counted calls. Sync and import write their own data and check it, so both always run on their own embedded engines,
 * never on configured ones; dispatch needs no engine at all. Each bench but import leaves a JSON under
 * {@code target/bench/} and a plot beside it; report regenerates {@code docs/benchmarks.md} from the published ones.
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
          "bench cold [--runs N] [--only SOURCE[,SOURCE...]] [--no-backends] [--cds]",
          "Cold starts of EventFactoryFunction's shaded jar in fresh JVMs (the template's JAVA_TOOL_OPTIONS):",
          "one sample event per source (s3, sqs, sns, eventbridge, stepfunctions, dynamodb), without backends",
          "and with embedded PostgreSQL + OpenSearch and moto behind a recording AWS endpoint, N runs each",
          "(default 10), against a bare Jackson handler and one making a first DynamoDB call. Medians and",
          "ranges, and the classes each case loads at init and first event (one extra logged run); goal: a case",
          "calling no AWS <= 1.3x the bare floor, others <= the SDK floor. --cds: every process (floors too) from",
          "an AppCDS archive of its own (a local indicator only). Last line: JSON, also written to",
          "target/bench/cold-<timestamp>.json.");

  private static final Usage REPORT =
      Usage.of(
          "bench report [--publish]",
          "Regenerates docs/benchmarks.md and its plots from the published results, docs/benchmarks/<bench>.json",
          "for sync, cold, dispatch, commands and cost (a bench without one shows \"not yet measured\"). --publish",
          "first copies the newest target/bench/<bench>-*.json of each bench there. Each of those benches already",
          "draws a plot beside its own JSON (same name, .png) and records the command line in it.");

  private static final Usage COMMANDS =
      Usage.of(
          "bench commands [--commands N] [--entities N] [--batch N] [--seed N] [--grouped] [--paths P[,P...]]",
          "The command stream's sync stage alone: N command records (default 2,000 over 200 entities, each",
          "entity's versions in order, entities interleaved at random; --grouped keeps an entity's versions",
          "together) in stream deliveries of --batch (default 500), into fresh data and history tables, record by",
          "record and a delivery at once, on dynalite (conditional puts) and moto (transactions); --paths picks",
          "among per-record.dynalite, batched.dynalite, per-record.moto, batched.moto. Per path: commands/s, calls",
          "by operation and read/write capacity units per 1,000 commands (priced by AWS's rules), and a check of",
          "the tables. Last line: JSON, also written to target/bench/commands-<timestamp>.json; exit 1 when a",
          "path leaves the tables wrong.");

  private static final Usage COST =
      Usage.of(
          "bench cost [--sync FILE] [--commands FILE]",
          "The cost of syncing a million changes per command-sync path, from counted calls only: DynamoDB",
          "capacity units from bench commands, Lambda invocations and GB-seconds at the template's batch size and",
          "memory and the read models' requests from bench sync, at AWS list prices kept with their sources",
          "(us-east-1). Reads the newest target/bench run of each (else the published one) unless given. Last",
          "line: JSON, also written to target/bench/cost-<timestamp>.json; exit 1 when an input is missing.");

  @Override
  public String name() {
    return "bench";
  }

  @Override
  public List<Usage> usage() {
    return List.of(SYNC, IMPORT, DISPATCH, COLD, COMMANDS, COST, REPORT);
  }

  @Override
  public int run(Arguments arguments, Shell shell) throws Exception {
    String which = arguments.hasNext() ? arguments.next() : "";
    return switch (which) {
      case "sync" -> sync(arguments, shell);
      case "import" -> importCsv(arguments, shell);
      case "dispatch" -> dispatch(arguments, shell);
      case "cold" -> cold(arguments, shell);
      case "commands" -> commands(arguments, shell);
      case "cost" -> cost(arguments, shell);
      case "report" -> report(arguments, shell);
      default -> throw new UsageException("usage: ./suite bench sync [--entities N] [--versions N] [--seed N] [--sizes N[,N...]]"
          + " [--naive-sample N] [--arrival-rate N]"
          + " | ./suite bench import [--rows N] [--chunk-rows N[,N...]] [--seed N] [--no-sync]"
          + " | ./suite bench dispatch [--only NAME[,NAME...]] [--iteration-ms N]"
          + " | ./suite bench cold [--runs N] [--only SOURCE[,SOURCE...]] [--no-backends] [--cds]"
          + " | ./suite bench commands [--commands N] [--entities N] [--batch N] [--seed N] [--grouped] [--paths P[,P...]]"
          + " | ./suite bench cost [--sync FILE] [--commands FILE]"
          + " | ./suite bench report [--publish]");
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
      Instant started = Instant.now();
      int exit = SyncBench.run(options, shell.root(), environment, shell.out(), shell.err());
      BenchPlotting.after(shell, Bench.SYNC, started, arguments.commandLine());
      return exit;
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
    Instant started = Instant.now();
    int exit = DispatchBench.run(options, shell.root(), shell.out(), shell.err());
    BenchPlotting.after(shell, Bench.DISPATCH, started, arguments.commandLine());
    return exit;
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
        case "--cds" -> options = options.withCds();
        default -> throw new UsageException("unknown option '" + word + "' for bench cold");
      }
    }
    // The template's environment as ./suite invoke builds it; the bench adds its own read models and stand-ins.
    Map<String, String> environment = EventFactoryEnvironment.withoutReadModels(EventFactoryEnvironment.of(shell.root(), shell.env()));
    Instant started = Instant.now();
    int exit = ColdBench.run(options, shell.root(), environment, shell.out(), shell.err());
    BenchPlotting.after(shell, Bench.COLD, started, arguments.commandLine());
    return exit;
  }

  private static int report(Arguments arguments, Shell shell) throws IOException {
    boolean publish = false;
    while (arguments.hasNext()) {
      String word = arguments.next();
      switch (word) {
        case "--publish" -> publish = true;
        default -> throw new UsageException("unknown option '" + word + "' for bench report");
      }
    }
    Path root = shell.root();
    if (publish) {
      List<Path> copies = BenchFiles.publish(root);
      if (copies.isEmpty()) {
        throw new UsageException("nothing to publish: no " + root.resolve(BenchFiles.RUNS)
            + "/<bench>-*.json; run ./suite bench sync, cold, dispatch, commands or cost first");
      }
      copies.forEach(copy -> shell.out().println("published " + root.relativize(copy)));
    }
    List<BenchResult> published = BenchFiles.published(root);
    for (BenchResult result : published) {
      shell.out().println("plot drawn to " + root.relativize(BenchPlots.draw(result)));
    }
    Path page = root.resolve(BenchmarksPage.PATH);
    Files.createDirectories(page.getParent());
    Files.writeString(page, BenchmarksPage.render(published));
    shell.out().printf("%s written: %d of %d benches measured%n", BenchmarksPage.PATH, published.size(), Bench.values().length);
    return 0;
  }

  private static int commands(Arguments arguments, Shell shell) throws Exception {
    CommandsBench.Options options = CommandsBench.Options.defaults();
    try {
      while (arguments.hasNext()) {
        String word = arguments.next();
        switch (word) {
          case "--commands" -> options = options.withCommands(arguments.positiveInt("--commands"));
          case "--entities" -> options = options.withEntities(arguments.positiveInt("--entities"));
          case "--batch" -> options = options.withBatch(arguments.positiveInt("--batch"));
          case "--seed" -> options = options.withSeed(arguments.longValue("--seed"));
          case "--grouped" -> options = options.withGrouped();
          case "--paths" -> options = options.withPaths(List.of(arguments.value("--paths").split(",")));
          default -> throw new UsageException("unknown option '" + word + "' for bench commands");
        }
      }
      options = options.validated();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    Instant started = Instant.now();
    int exit = CommandsBench.run(options, shell.root(), shell.out(), shell.err());
    BenchPlotting.after(shell, Bench.COMMANDS, started, arguments.commandLine());
    return exit;
  }

  private static int cost(Arguments arguments, Shell shell) throws Exception {
    CostBench.Options options = CostBench.Options.defaults();
    while (arguments.hasNext()) {
      String word = arguments.next();
      switch (word) {
        case "--sync" -> options = options.withSync(existing(shell, arguments.value("--sync")));
        case "--commands" -> options = options.withCommands(existing(shell, arguments.value("--commands")));
        default -> throw new UsageException("unknown option '" + word + "' for bench cost");
      }
    }
    Instant started = Instant.now();
    int exit = CostBench.run(options, shell.root(), shell.out(), shell.err());
    if (exit == 0) {
      BenchPlotting.after(shell, Bench.COST, started, arguments.commandLine());
    }
    return exit;
  }

  private static Path existing(Shell shell, String name) {
    Path file = shell.root().resolve(name);
    if (!Files.isRegularFile(file)) {
      throw new UsageException("no such file: " + file);
    }
    return file;
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
