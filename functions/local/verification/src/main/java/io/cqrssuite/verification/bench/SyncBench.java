package io.cqrssuite.verification.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.verification.workload.ExpectedState;
import io.cqrssuite.verification.workload.ProductCommand;
import io.cqrssuite.verification.workload.ProductWorkloadGenerator;
import io.cqrssuite.verification.workload.WorkloadOptions;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code ./suite bench sync}: how fast the suite brings both read models up to date, as ratios against two baselines
 * measured in the same run, on the same engines, with the same commands: the naive per-document sync (one
 * autocommitted statement and one {@code ?refresh=true} request per command) and the raw limit (bare JDBC batches
 * and bare {@code _bulk} requests, the two targets in parallel). Every path gets the generated log in order, without
 * duplicates or reordering, deletes included (tombstones), after a short warm-up of its own; each starts from
 * emptied read models and is checked against the log afterwards.
 *
 * <p>Results go to {@code out} (a table, then one JSON line), progress to {@code progress}. The exit code is 1 when
 * the suite or the raw limit leaves a read model wrong: both are version-guarded and must be right. The naive path
 * is reported as it ends.
 */
public final class SyncBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int WARM_UP_ENTITIES = 250;
  private static final int WARM_UP_VERSIONS = 2;

  /** The workload's size: products, commands per product, and the generator's seed. */
  public record Options(int entities, int versions, long seed) {
    public Options {
      if (entities < 1 || versions < 1) {
        throw new IllegalArgumentException("entities and versions must be at least 1");
      }
    }

    /**
     * 1,000 products x 2 versions: the whole bench in about a minute on a small machine. The naive path takes most
     * of it (a refresh per document costs some 20 ms), so larger sizes grow its share, not the suite's precision.
     */
    public static Options defaults() {
      return new Options(1_000, 2, 42L);
    }

    public Options withEntities(int n) {
      return new Options(n, versions, seed);
    }

    public Options withVersions(int n) {
      return new Options(entities, n, seed);
    }

    public Options withSeed(long s) {
      return new Options(entities, versions, s);
    }

    /** The log as the generator writes it; stream effects (duplicates, reordering, TTL expiries) are left out. */
    WorkloadOptions workload() {
      WorkloadOptions defaults = WorkloadOptions.defaults();
      return new WorkloadOptions(
          entities, versions, seed, 0.0, 1, defaults.deleteRate(), defaults.recreateRate(), 0.0, SuitePath.BATCH_SIZE);
    }
  }

  private SyncBench() {}

  /**
   * Runs the three paths on the read models {@code environment} points at, which it empties between paths: give
   * it engines started for the bench. {@code environment} is also {@code EventFactoryFunction}'s environment.
   */
  public static int run(Options options, Map<String, String> environment, PrintStream out, PrintStream progress)
      throws Exception {
    List<ProductCommand> log = ProductWorkloadGenerator.generate(options.workload());
    ExpectedState expected = ExpectedState.of(log);
    Options warmUpSize = options.withEntities(Math.min(WARM_UP_ENTITIES, options.entities())).withVersions(WARM_UP_VERSIONS).withSeed(options.seed() + 1);
    List<ProductCommand> warmUp = ProductWorkloadGenerator.generate(warmUpSize.workload());
    long deletes = log.stream().filter(ProductCommand::deleted).count();

    BenchReadModels readModels = BenchReadModels.of(environment);
    GuardedUpsert upsert = GuardedUpsert.product();
    List<Result> results = new ArrayList<>();
    try (SuitePath suite = new SuitePath(environment, readModels);
        NaivePath naive = new NaivePath(readModels, upsert);
        RawLimitPath raw = new RawLimitPath(readModels, upsert)) {
      List<SyncPath> paths = List.of(suite, naive, raw);
      progress.printf("warm-up: %,d commands through each path, timings discarded%n", warmUp.size());
      for (SyncPath path : paths) {
        readModels.reset(upsert.table());
        Progress shown = new Progress(progress, "warm-up " + path.name(), warmUp.size());
        shown.finish(path.write(warmUp, shown).seconds());
      }
      progress.printf("measuring: %,d commands through each path%n", log.size());
      for (SyncPath path : paths) {
        readModels.reset(upsert.table());
        Progress shown = new Progress(progress, path.name(), log.size());
        SyncPath.Timing timing = path.write(log, shown);
        shown.finish(timing.seconds());
        results.add(new Result(path.name(), path.description(), timing, readModels.check(expected)));
      }
    }

    Result suite = results.get(0);
    Result naive = results.get(1);
    Result raw = results.get(2);
    int commands = log.size();
    out.printf("sync bench: %,d products x %d versions (seed %d) = %,d commands in log order, %,d of them deletes%n",
        options.entities(), options.versions(), options.seed(), commands, deletes);
    out.println("            (tombstones); no duplicates, no reordering, no TTL expiries; the same commands for every path");
    out.println("engines:    one embedded PostgreSQL, one OpenSearch node (in this JVM), emptied before each path; one worker");
    out.println("timing:     until both read models hold every command and a _refresh has made the documents searchable");
    out.printf("jvm:        Java %s, %d CPUs, flags %s%n", System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(), ManagementFactory.getRuntimeMXBean().getInputArguments());
    out.printf("warm-up:    %,d commands (%d products x %d versions) through each path once first, timings discarded%n",
        warmUp.size(), warmUpSize.entities(), warmUpSize.versions());
    out.println();
    out.printf("%-10s %9s %9s %11s %13s %9s  %s%n", "path", "commands", "seconds", "commands/s", "vs raw limit", "vs naive", "read models");
    for (Result result : results) {
      out.printf("%-10s %,9d %9.2f %,11.0f %12.2fx %8.2fx  %s%n",
          result.name(), commands, result.timing().seconds(), result.rate(commands),
          result.rate(commands) / raw.rate(commands), result.rate(commands) / naive.rate(commands), result.verdict());
    }
    out.println();
    for (Result result : results) {
      out.printf("%-10s %s; %s%n", result.name(), result.description(), result.timing().detail());
    }
    for (Result result : results) {
      List<String> examples = new ArrayList<>(result.check().rows().examples());
      examples.addAll(result.check().documents().examples());
      for (String example : examples) {
        out.println("  " + result.name() + " mismatch: " + example);
      }
    }

    ObjectNode summary = JSON.createObjectNode();
    summary.put("entities", options.entities());
    summary.put("versions", options.versions());
    summary.put("seed", options.seed());
    summary.put("commands", commands);
    summary.put("warmUpCommands", warmUp.size());
    summary.put("suiteRate", Math.round(suite.rate(commands)));
    summary.put("naiveRate", Math.round(naive.rate(commands)));
    summary.put("rawRate", Math.round(raw.rate(commands)));
    summary.put("suiteVsRaw", rounded(suite.rate(commands) / raw.rate(commands)));
    summary.put("suiteVsNaive", rounded(suite.rate(commands) / naive.rate(commands)));
    ObjectNode seconds = summary.putObject("seconds");
    ObjectNode mismatches = summary.putObject("mismatches");
    ObjectNode failures = summary.putObject("failures");
    for (Result result : results) {
      String key = result == raw ? "raw" : result.name();
      seconds.put(key, rounded(result.timing().seconds()));
      mismatches.put(key, result.check().mismatches());
      failures.put(key, result.timing().failures());
    }
    out.println(summary);
    return suite.wrong() || raw.wrong() ? 1 : 0;
  }

  private static double rounded(double value) {
    return Math.round(value * 1000) / 1000.0;
  }

  /** One measured path and the read models it left. */
  private record Result(String name, String description, SyncPath.Timing timing, BenchReadModels.Check check) {
    double rate(int commands) {
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
