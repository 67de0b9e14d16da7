package io.cqrssuite.verification.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.catalog.function.CatalogHandler;
import io.cqrssuite.verification.workload.ExpectedState;
import io.cqrssuite.verification.workload.ProductCommand;
import io.cqrssuite.verification.workload.ProductWorkloadGenerator;
import io.cqrssuite.verification.workload.WorkloadOptions;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code ./suite bench sync}: how fast the suite brings both read models up to date, at the batch sizes a DynamoDB
 * stream mapping may use, against the raw limit of the same engines at the same sizes (bare JDBC batches and bare
 * {@code _bulk} requests, the two targets in parallel), measured in the same run on the same in-order log (deletes
 * included, as tombstones). Each run starts from emptied read models and is checked against the log afterwards.
 * Around that: the naive per-document sync on a sample of the log, per-record latency at a stated arrival rate
 * ({@link StreamPoller}), peak heap at the function's memory ({@link LambdaHeap}), and the cost inputs per 1,000
 * changes at the template's batch size, counted on the wire ({@link WireCounter}).
 *
 * <p>The template's mapping ({@link CommandStreamMapping}) decides the batch size the headline figures are for, so
 * the bench follows the template. Results go to {@code out} (tables, then one JSON line, also written to
 * {@code <root>/target/bench/sync-<timestamp>.json}), progress to {@code progress}. The exit code is 1 when the
 * suite or the raw limit leaves a read model wrong at any size: both are version-guarded and must be right.
 */
public final class SyncBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int WARM_UP_ENTITIES = 250;
  private static final int WARM_UP_VERSIONS = 2;
  /** Batch sizes every run tries, besides the template's. */
  static final List<Integer> DEFAULT_SIZES = List.of(10, 100, 1000);
  /**
   * Invocations a size's throughput run makes at most: a small size gets the start of the log, so that batches of
   * 10 (some 10,000 invocations for the whole log) do not take the bench's time; its rate is still measured over
   * 1,000 invocations, and its {@code commands} say how many.
   */
  static final int MAX_INVOCATIONS = 1_000;
  /** Records the cost pass delivers through the counting relays, at least. */
  private static final int COST_RECORDS = 10_000;
  private static final DateTimeFormatter FILE_STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  /**
   * The workload and what is measured on it.
   *
   * @param sizes batch sizes to try besides the template's; empty for {@link #DEFAULT_SIZES}
   * @param naiveSample commands the naive path gets (the start of the log)
   * @param arrivalPerSecond the stream's arrival rate for the latency figures
   * @param latencyRecords records per latency run (the start of the log)
   */
  public record Options(
      int entities, int versions, long seed, List<Integer> sizes, int naiveSample, double arrivalPerSecond, int latencyRecords) {
    public Options {
      if (entities < 1 || versions < 1 || naiveSample < 1 || latencyRecords < 1 || arrivalPerSecond <= 0) {
        throw new IllegalArgumentException("entities, versions, samples and the arrival rate must be positive");
      }
      sizes = List.copyOf(sizes);
      for (int size : sizes) {
        if (size < 1 || size > 10_000) {
          throw new IllegalArgumentException("a DynamoDB stream mapping's batch size is 1 to 10,000, found " + size);
        }
      }
    }

    /**
     * 10,000 products x 10 versions = 100,000 commands; the naive path on the first 1,000 (at some 15 ms a command,
     * the whole log would take it half an hour); latency on the first 10,000 arriving at 1,000 a second, what one
     * stream shard takes at most (a partition's 1,000 writes a second).
     */
    public static Options defaults() {
      return new Options(10_000, 10, 42L, List.of(), 1_000, 1_000, 10_000);
    }

    public Options withEntities(int n) {
      return new Options(n, versions, seed, sizes, naiveSample, arrivalPerSecond, latencyRecords);
    }

    public Options withVersions(int n) {
      return new Options(entities, n, seed, sizes, naiveSample, arrivalPerSecond, latencyRecords);
    }

    public Options withSeed(long s) {
      return new Options(entities, versions, s, sizes, naiveSample, arrivalPerSecond, latencyRecords);
    }

    public Options withSizes(List<Integer> s) {
      return new Options(entities, versions, seed, s, naiveSample, arrivalPerSecond, latencyRecords);
    }

    public Options withNaiveSample(int n) {
      return new Options(entities, versions, seed, sizes, n, arrivalPerSecond, latencyRecords);
    }

    public Options withArrivalPerSecond(double r) {
      return new Options(entities, versions, seed, sizes, naiveSample, r, latencyRecords);
    }

    public Options withLatencyRecords(int n) {
      return new Options(entities, versions, seed, sizes, naiveSample, arrivalPerSecond, n);
    }

    /** The sizes measured: the asked ones (or the defaults) and the template's, once each, ascending. */
    List<Integer> measuredSizes(int templateSize) {
      TreeSet<Integer> all = new TreeSet<>(sizes.isEmpty() ? DEFAULT_SIZES : sizes);
      all.add(templateSize);
      return List.copyOf(all);
    }

    /** The log as the generator writes it; stream effects (duplicates, reordering, TTL expiries) are left out. */
    WorkloadOptions workload() {
      WorkloadOptions defaults = WorkloadOptions.defaults();
      return new WorkloadOptions(entities, versions, seed, 0.0, 1, defaults.deleteRate(), defaults.recreateRate(), 0.0, 100);
    }

    /** The log as it is: no duplicates, no reordering, every record in its own delivery once. */
    static WorkloadOptions inOrder(int batchSize) {
      return new WorkloadOptions(1, 1, 0L, 0.0, 1, 0.0, 0.0, 0.0, batchSize);
    }
  }

  private SyncBench() {}

  /**
   * Runs every measurement on the read models {@code environment} points at, which it empties between runs: give it
   * engines started for the bench. {@code environment} is also {@code EventFactoryFunction}'s environment;
   * {@code root} holds {@code template.yaml} and receives {@code target/bench/sync-<timestamp>.json}.
   */
  public static int run(Options options, Path root, Map<String, String> environment, PrintStream out, PrintStream progress)
      throws Exception {
    Instant at = Instant.now();
    long benchStarted = System.nanoTime();
    CommandStreamMapping mapping = CommandStreamMapping.fromTemplate(root);
    List<Integer> sizes = options.measuredSizes(mapping.batchSize());
    List<ProductCommand> log = ProductWorkloadGenerator.generate(options.workload());
    ExpectedState expected = ExpectedState.of(log);
    Options warmUpSize =
        options.withEntities(Math.min(WARM_UP_ENTITIES, options.entities())).withVersions(WARM_UP_VERSIONS).withSeed(options.seed() + 1);
    List<ProductCommand> warmUp = ProductWorkloadGenerator.generate(warmUpSize.workload());
    long deletes = log.stream().filter(ProductCommand::deleted).count();
    int commands = log.size();

    BenchReadModels readModels = BenchReadModels.of(environment);
    GuardedUpsert upsert = GuardedUpsert.product();
    CatalogHandler handler = new CatalogHandler(environment);
    List<SizeResult> results = new ArrayList<>();
    Result naive;
    progress.printf("template: %s's %s takes batches of %d (window %.0f s), memory %d MB; sizes measured: %s%n",
        CommandStreamMapping.FUNCTION, CommandStreamMapping.EVENT, mapping.batchSize(), mapping.batchingWindowSeconds(),
        mapping.memoryMb(), sizes);
    progress.printf("warm-up: %,d commands through each path, timings discarded%n", warmUp.size());
    try (NaivePath naivePath = new NaivePath(readModels, upsert)) {
      List<SyncPath> warmUpPaths =
          List.of(new SuitePath(handler, readModels, mapping.batchSize()), naivePath, new RawLimitPath(readModels, upsert, 1000));
      for (SyncPath path : warmUpPaths) {
        readModels.reset(upsert.table());
        // The naive path is warm after a hundred: each command is the same two calls.
        List<ProductCommand> commandsIn = path == naivePath ? warmUp.subList(0, Math.min(warmUp.size(), 100)) : warmUp;
        Progress shown = new Progress(progress, "warm-up " + path.name(), commandsIn.size());
        shown.finish(path.write(commandsIn, shown).seconds());
        if (path != naivePath) {
          path.close();
        }
      }
      for (int size : sizes) {
        List<ProductCommand> measured = log.subList(0, (int) Math.min(commands, (long) size * MAX_INVOCATIONS));
        ExpectedState state = measured.size() == commands ? expected : ExpectedState.of(measured);
        progress.printf("batch size %,d: %,d commands through the suite and the raw limit, then latency%n", size, measured.size());
        SuitePath suite = new SuitePath(handler, readModels, size);
        Result suiteResult = measure(suite, measured, state, readModels, upsert, progress, "suite @" + size);
        Result rawResult;
        try (RawLimitPath raw = new RawLimitPath(readModels, upsert, size)) {
          rawResult = measure(raw, measured, state, readModels, upsert, progress, "raw @" + size);
        }
        readModels.reset(upsert.table());
        SuitePath timed = new SuitePath(handler, readModels, size);
        List<ProductCommand> sample = log.subList(0, Math.min(commands, options.latencyRecords()));
        StreamPoller.Latencies latencies =
            new StreamPoller(options.arrivalPerSecond(), size, mapping.batchingWindowSeconds())
                .run(SuitePath.records(sample), timed::invoke);
        progress.printf("  latency @%d: p50 %.0f ms, p99 %.0f ms at %,.0f records/s%n",
            size, latencies.p50Ms(), latencies.p99Ms(), options.arrivalPerSecond());
        results.add(new SizeResult(size, suiteResult, rawResult, latencies, suite.invocations(), suite.handlerNanos(),
            SuitePath.averageEventBytes(SuitePath.records(log.subList(0, Math.min(commands, size * 4))), size)));
      }
      List<ProductCommand> naiveSample = log.subList(0, Math.min(commands, options.naiveSample()));
      readModels.reset(upsert.table());
      Progress shown = new Progress(progress, "naive (sample)", naiveSample.size());
      SyncPath.Timing timing = naivePath.write(naiveSample, shown);
      shown.finish(timing.seconds());
      naive = new Result(naivePath.name(), naivePath.description(), naiveSample.size(), timing, null);
    }

    List<ObjectNode> records = SuitePath.records(log);
    progress.printf("heap: a child JVM with %d MB of heap (%d MB function) takes a batch of 1,000 and one of %,d%n",
        mapping.heapMb(), mapping.memoryMb(), mapping.batchSize());
    readModels.reset(upsert.table());
    // A warm-up batch, then 1,000 and the template's size, each of records not written yet (a short log gives less).
    List<List<ObjectNode>> heapBatches = new ArrayList<>();
    int from = Math.max(1, Math.min(100, records.size() / 4));
    heapBatches.add(records.subList(0, from));
    for (int size : new TreeSet<>(List.of(1000, mapping.batchSize()))) {
      int to = Math.min(records.size(), from + size);
      if (to > from) {
        heapBatches.add(records.subList(from, to));
      }
      from = to;
    }
    Map<Integer, Double> heapPeaks = LambdaHeap.peaks(mapping, childEnvironment(environment), heapBatches);

    progress.printf("cost: batches of %,d through relays that count statements, round trips and requests%n", mapping.batchSize());
    readModels.reset(upsert.table());
    CostCounts cost = CostCounts.measure(environment, mapping.batchSize(), records, COST_RECORDS);

    SizeResult chosen = results.stream().filter(r -> r.batchSize() == mapping.batchSize()).findFirst().orElseThrow();
    SizeResult rawBest = results.stream().max((a, b) -> Double.compare(a.raw().rate(), b.raw().rate())).orElseThrow();
    SizeResult suiteBest = results.stream().max((a, b) -> Double.compare(a.suite().rate(), b.suite().rate())).orElseThrow();
    double benchSeconds = (System.nanoTime() - benchStarted) / 1e9;

    out.printf("sync bench: %,d products x %d versions (seed %d) = %,d commands in log order, %,d of them deletes%n",
        options.entities(), options.versions(), options.seed(), commands, deletes);
    out.println("            (tombstones); no duplicates, no reordering, no TTL expiries; the same commands for every run");
    out.println("engines:    one embedded PostgreSQL, one OpenSearch node (in this JVM), emptied before each run");
    out.println("timing:     until both read models hold every command and a _refresh has made the documents searchable");
    out.printf("template:   %s BatchSize %d, MaximumBatchingWindowInSeconds %s, MemorySize %d MB%n",
        CommandStreamMapping.EVENT, mapping.batchSize(), mapping.batchingWindowSeconds(), mapping.memoryMb());
    out.printf("jvm:        Java %s, %d CPUs, flags %s%n", System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(), ManagementFactory.getRuntimeMXBean().getInputArguments());
    out.println();
    out.printf("%6s %9s %10s %10s %8s %9s %9s %9s %9s  %s%n",
        "batch", "commands", "suite/s", "raw/s", "vs raw", "p50 ms", "p99 ms", "ms/call", "event KB", "read models (suite | raw)");
    for (SizeResult r : results) {
      out.printf("%,6d %,9d %,10.0f %,10.0f %7.2fx %9.0f %9.0f %9.1f %9.0f  %s | %s%s%n",
          r.batchSize(), r.suite().commands(), r.suite().rate(), r.raw().rate(), r.suiteVsRaw(), r.latencies().p50Ms(), r.latencies().p99Ms(),
          r.handlerMsPerInvocation(), r.eventBytes() / 1024.0, r.suite().verdict(), r.raw().verdict(),
          r.batchSize() == mapping.batchSize() ? "   <- template" : "");
    }
    out.printf("naive (first %,d commands): %,.0f commands/s; %s; %s%n",
        naive.commands(), naive.rate(), naive.description(), naive.timing().detail());
    out.printf("latency: records arriving at %,.0f/s, polled %d times a second, window %.0f s; synced minus arrival%n",
        options.arrivalPerSecond(), StreamPoller.POLLS_PER_SECOND, mapping.batchingWindowSeconds());
    out.printf("heap (child JVM, -Xmx%dm as Lambda gives %d MB): %s%n", mapping.heapMb(), mapping.memoryMb(), heapPeaks);
    out.printf("per 1,000 changes at batch %,d: %s%n", mapping.batchSize(), cost);
    for (SizeResult r : results) {
      for (Result result : List.of(r.suite(), r.raw())) {
        List<String> examples = new ArrayList<>(result.check().rows().examples());
        examples.addAll(result.check().documents().examples());
        for (String example : examples) {
          out.println("  " + result.name() + " mismatch: " + example);
        }
      }
    }

    ObjectNode summary = JSON.createObjectNode();
    summary.put("bench", "sync");
    summary.put("at", at.toString());
    MachineStamp machine = MachineStamp.of(root);
    summary.put("commit", machine.commit());
    summary.put("jdk", machine.jdk());
    summary.put("cpu", machine.cpu());
    summary.put("cores", machine.cores());
    summary.put("entities", options.entities());
    summary.put("versions", options.versions());
    summary.put("seed", options.seed());
    summary.put("commands", commands);
    summary.put("deletes", deletes);
    summary.put("warmUpCommands", warmUp.size());
    summary.put("batchSize", mapping.batchSize());
    summary.put("batchingWindowSeconds", mapping.batchingWindowSeconds());
    summary.put("memoryMb", mapping.memoryMb());
    summary.put("suiteVsRaw", rounded(chosen.suiteVsRaw()));
    summary.put("suiteVsRawBest", rounded(chosen.suite().rate() / rawBest.raw().rate()));
    summary.put("rawBestBatchSize", rawBest.batchSize());
    summary.put("suiteBestBatchSize", suiteBest.batchSize());
    summary.put("arrivalPerSecond", options.arrivalPerSecond());
    summary.put("latencyRecords", Math.min(commands, options.latencyRecords()));
    ArrayNode sizesJson = summary.putArray("sizes");
    for (SizeResult r : results) {
      ObjectNode size = sizesJson.addObject();
      size.put("batchSize", r.batchSize());
      size.put("commands", r.suite().commands());
      size.put("suitePerSecond", Math.round(r.suite().rate()));
      size.put("rawPerSecond", Math.round(r.raw().rate()));
      size.put("suiteVsRaw", rounded(r.suiteVsRaw()));
      size.put("p50Ms", r.latencies().p50Ms());
      size.put("p99Ms", r.latencies().p99Ms());
      size.put("maxMs", r.latencies().maxMs());
      size.put("backlogAtEnd", r.latencies().backlogAtEnd());
      size.put("invocations", r.invocations());
      size.put("handlerMsPerInvocation", rounded(r.handlerMsPerInvocation()));
      size.put("eventBytes", Math.round(r.eventBytes()));
      size.put("mismatches", r.suite().check().mismatches() + r.raw().check().mismatches());
      size.put("failures", r.suite().timing().failures() + r.raw().timing().failures());
    }
    summary.put("naiveCommands", naive.commands());
    summary.put("naivePerSecond", Math.round(naive.rate()));
    ObjectNode heap = summary.putObject("heap");
    heap.put("functionMemoryMb", mapping.memoryMb());
    heap.put("maxHeapMb", mapping.heapMb());
    ArrayNode peaks = heap.putArray("batches");
    heapPeaks.forEach((records1, mb) -> peaks.addObject().put("records", records1).put("peakHeapMb", mb));
    ObjectNode perThousand = summary.putObject("perThousandChanges");
    perThousand.put("batchSize", mapping.batchSize());
    perThousand.put("changesCounted", cost.changes());
    perThousand.put("rdsStatements", rounded(cost.perThousand(cost.rdsStatements())));
    perThousand.put("rdsRoundTrips", rounded(cost.perThousand(cost.rdsRoundTrips())));
    perThousand.put("openSearchRequests", rounded(cost.perThousand(cost.openSearchRequests())));
    perThousand.put("lambdaInvocations", rounded(cost.perThousand(cost.invocations())));
    double handlerMsPerThousand = chosen.handlerNanos() / 1e6 / chosen.suite().commands() * 1000;
    perThousand.put("handlerMs", rounded(handlerMsPerThousand));
    perThousand.put("gbSeconds", rounded(handlerMsPerThousand / 1000 * mapping.memoryMb() / 1024.0));
    summary.put("benchSeconds", rounded(benchSeconds));
    String line = summary.toString();
    out.println(line);
    Path file = root.resolve("target/bench/sync-" + FILE_STAMP.format(at) + ".json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, line + "\n");
    progress.println("written to " + file);
    boolean wrong = results.stream().anyMatch(r -> r.suite().wrong() || r.raw().wrong());
    return wrong ? 1 : 0;
  }

  private static Result measure(
      SyncPath path, List<ProductCommand> log, ExpectedState expected, BenchReadModels readModels, GuardedUpsert upsert,
      PrintStream progress, String label) throws Exception {
    readModels.reset(upsert.table());
    Progress shown = new Progress(progress, label, log.size());
    SyncPath.Timing timing = path.write(log, shown);
    shown.finish(timing.seconds());
    return new Result(label, path.description(), log.size(), timing, readModels.check(expected));
  }

  /** The handler's environment for the heap probe's own process: AWS credentials as this JVM has them. */
  private static Map<String, String> childEnvironment(Map<String, String> environment) {
    Map<String, String> child = new java.util.HashMap<>(environment);
    if (!child.containsKey("AWS_ACCESS_KEY_ID")) {
      child.put("AWS_ACCESS_KEY_ID", System.getProperty("aws.accessKeyId", "local"));
      child.put("AWS_SECRET_ACCESS_KEY", System.getProperty("aws.secretAccessKey", "local"));
    }
    child.remove("JAVA_TOOL_OPTIONS");
    return child;
  }

  private static double rounded(double value) {
    return Math.round(value * 1000) / 1000.0;
  }

  /** One batch size: both paths' runs, the latency run, and the suite's invocations. */
  private record SizeResult(
      int batchSize, Result suite, Result raw, StreamPoller.Latencies latencies, long invocations, long handlerNanos,
      double eventBytes) {
    double suiteVsRaw() {
      return suite.rate() / raw.rate();
    }

    double handlerMsPerInvocation() {
      return invocations == 0 ? 0 : handlerNanos / 1e6 / invocations;
    }
  }

  /** One measured run and the read models it left ({@code check} is null for the naive sample). */
  private record Result(String name, String description, int commands, SyncPath.Timing timing, BenchReadModels.Check check) {
    double rate() {
      return commands / Math.max(timing.seconds(), 1e-9);
    }

    boolean wrong() {
      return check.mismatches() > 0 || timing.failures() > 0;
    }

    String verdict() {
      String state = check.mismatches() == 0 ? "ok" : String.format("%,d mismatches", check.mismatches());
      return timing.failures() == 0 ? state : state + String.format(", %,d failures", timing.failures());
    }
  }
}
