package io.cqrssuite.cli;

import io.cqrssuite.testing.lambda.FunctionSpec;
import io.cqrssuite.testing.lambda.InvokeEnvironment;
import io.cqrssuite.testing.lambda.LocalInvoker;
import io.cqrssuite.testing.lambda.SamTemplate;
import io.cqrssuite.verification.LocalReadModels;
import io.cqrssuite.verification.SamplesRun;
import io.cqrssuite.verification.SyncRun;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import io.cqrssuite.verification.bench.SyncBench;
import io.cqrssuite.verification.chaos.ChaosOptions;
import io.cqrssuite.verification.chaos.ChaosRun;
import io.cqrssuite.verification.importrun.ImportBench;
import io.cqrssuite.verification.workload.WorkloadOptions;

/**
 * The Java side of {@code ./suite}: {@code invoke}, {@code run}, {@code chaos}, {@code samples}, {@code bench} and
 * {@code dlq}. Exit codes: 0
 * done, 1 the function failed (its error is on stdout as Lambda's error JSON) or a run found unexpected results, 2
 * it could not run at all (the reason is one line on stderr).
 */
public final class SuiteCli {
  static final String USAGE =
      String.join(
          "\n",
          "usage: ./suite <command> [options]",
          "",
          "commands:",
          "  invoke <LogicalId> <event-file> [--env-vars file.json] [--template template.yaml] [--aws]",
          "        Run one function of template.yaml in-process on one event, like `sam local invoke <LogicalId> -e <file>`",
          "        without Docker. stdout: the handler's JSON response (or null), or Lambda's error JSON with exit 1.",
          "        The function's environment and timeout come from the template; --env-vars overrides them (SAM's",
          "        format: {\"Parameters\": {...}, \"<LogicalId>\": {\"VAR\": \"value\"}}). AWS_REGION, AWS credentials and",
          "        AWS_ENDPOINT_URL[_<SERVICE>] from your shell pass through, SUITE_* from your shell override the",
          "        template. A declared but empty SUITE_RDS_URL / SUITE_OPENSEARCH_ENDPOINT gets an embedded",
          "        PostgreSQL / OpenSearch node for the invoke. Without an SFN endpoint, task-token",
          "        callbacks go to a local Step Functions callback recorder that prints them on stderr; --aws turns",
          "        the local stand-ins off and uses your AWS account.",
          "  run [--entities N] [--versions N] [--seed N] [--batch-size N]",
          "        The main job on embedded engines (PostgreSQL and OpenSearch in this JVM): generate a product workload",
          "        as DynamoDB-stream deliveries (deletes, TTL removals, duplicates, reordering), push it through",
          "        EventFactoryFunction's handler in Lambda-sized batches, then check both read models against the state",
          "        computed from the generated log. Then, on a local cloud (dynalite, ElasticMQ, an S3 stand-in and the",
          "        local Step Functions harness running the real ASL in aws-local-stepfunctions; Node, installed under",
          "        .suite/node): the command path (CommandService create, merge-patch, delete, rollback, a version",
          "        conflict; the command stream synced into the data and history tables and both read models) and a",
          "        2,000-row CSV import through the csv-import workflow (bad rows rejected, progress shown, the written",
          "        commands streamed into the read models), each checked. Last line: one JSON object (commandPath and",
          "        import inside); exit 1 when anything mismatches.",
          "  chaos [--entities N] [--versions N] [--seed N] [--kill-rate R] [--outages N] [--no-faults]",
          "        The delivery guarantees under faults: a product log (default 10,000 products x 10 versions = 100,000",
          "        changes, 20% duplicates, reordering) delivered as one DynamoDB-stream shard with the template's own",
          "        mapping settings (BatchSize, MaximumRetryAttempts, BisectBatchOnFunctionError) to EventFactoryFunction",
          "        in a worker process, its PostgreSQL and OpenSearch behind fault-injecting proxies (503s, resets, stalls,",
          "        outages). Given-up batches go to the on-failure queue as pointers, are turned into dead letters from",
          "        the stream and replayed. Pass 1: the first half of the log; pass 2: the rest, while the worker is",
          "        killed with SIGKILL mid-batch (--kill-rate, default 0.03 of invocations). Both read models are checked",
          "        against the log after each pass. Last line: one JSON object with changes, lost, stale, resurrected,",
          "        deadLettered, replayed; exit 1 unless lost, stale, resurrected and all other mismatches are 0.",
          "  samples [--events DIR]",
          "        Push every file in events/ through EventFactoryFunction and print a per-source summary; files under",
          "        events/bad/ must be rejected with a reason. Last line: one JSON object. Exit 1 on an unexpected result.",
          "  bench sync [--entities N] [--versions N] [--seed N]",
          "        How fast the suite syncs, against baselines measured in the same run: the same in-order product",
          "        commands (default 1000 x 2) through the suite (stream batches into EventFactoryFunction), a naive",
          "        per-document sync (autocommit, ?refresh=true) and the raw limit (bare JDBC batches and _bulk), on one",
          "        embedded PostgreSQL and one OpenSearch node, each path warmed up, then checked against the log.",
          "        A table, then one JSON line; exit 1 when the suite or the raw limit leaves a read model wrong.",
          "  bench import [--rows N] [--chunk-rows N[,N...]] [--seed N] [--no-sync]",
          "        A generated CSV (default 100,000 rows, 8 bad) through the whole import path of `run`, once per chunk",
          "        size (default 1000; several: a fresh local cloud each): rows/s from upload to the execution's",
          "        SUCCEEDED and to the read models synced, peak JVM heap, peak RSS of the harness and dynalite, and the",
          "        fastest size; --no-sync stops at SUCCEEDED (to compare chunk sizes). Figures are the local Step",
          "        Functions harness's (aws-local-stepfunctions) and dynalite's,",
          "        not AWS's. Last line: one JSON object; exit 1 when a read model or a count is wrong.",
          "  dlq list [--queue-url URL] [--max N]",
          "        Peek at up to N (default 10) dead-letter envelopes without consuming them: one JSON line per message",
          "        ({messageId, envelope}; an envelope offloaded to S3 is read from the bucket, else shown as its pointer).",
          "        The queue is SUITE_DEAD_LETTER_QUEUE_URL from your shell unless --queue-url is given; AWS_REGION,",
          "        credentials and AWS_ENDPOINT_URL[_SQS|_S3] pass through as for invoke.",
          "  dlq export FILE [--queue-url URL] [--max N]",
          "        Write up to N envelopes (not consumed) to FILE as NDJSON: first {\"__meta__\": {source, count, from, to,",
          "        sha256 of the lines after it, exportedAt}}, then one envelope per line; and FILE.sha256 for",
          "        `sha256sum -c`. Last line: one JSON summary.",
          "  dlq replay [--queue-url URL] [--max N]",
          "        Take up to N envelopes off the queue and push each original delivery (same record, same event ids)",
          "        through EventFactoryFunction's handler (template environment, local read models, no dead letters):",
          "        handled -> deleted; failed -> left on the queue; whole rejected documents -> skipped and left.",
          "        Last line: {replayed, failed, skipped, items}; exit 1 when one failed.",
          "  test  Install what the tests need and run them (the README's test command).",
          "",
          "exit codes: 0 ok, 1 the function failed / unexpected results, 2 could not run (reason on stderr)");

  private SuiteCli() {}

  public static void main(String[] args) {
    int code;
    try {
      code = run(args, System.out, System.err, System.getenv());
    } catch (UsageException e) {
      System.err.println("suite: " + e.getMessage());
      code = 2;
    }
    System.out.flush();
    System.exit(code);
  }

  static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> processEnv) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
      out.println(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    Path root = Path.of(processEnv.getOrDefault("SUITE_ROOT", "."));
    try {
      switch (args[0]) {
        case "invoke":
          return invoke(args, root, out, err, processEnv);
        case "samples":
          return runSamples(args, root, out, err, processEnv);
        case "run":
          return runWorkload(args, root, out, err, processEnv);
        case "bench":
          return runBench(args, root, out, err, processEnv);
        case "dlq":
          return DlqCommand.run(args, root, out, err, processEnv);
        case "chaos":
          return runChaos(args, root, out, err, processEnv);
        default:
          throw new UsageException("unknown command '" + args[0] + "'; see ./suite --help");
      }
    } catch (UsageException e) {
      throw e;
    } catch (Exception e) {
      throw new UsageException(e.getMessage() == null ? e.toString() : e.getMessage().replace('\n', ' '));
    }
  }

  private static int invoke(String[] args, Path root, PrintStream out, PrintStream err, Map<String, String> processEnv)
      throws IOException, ReflectiveOperationException {
    List<String> positional = new ArrayList<>();
    Path template = root.resolve("template.yaml");
    Path envVars = null;
    boolean aws = false;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--env-vars", "-n" -> envVars = Path.of(value(args, ++i, "--env-vars"));
        case "--template", "-t" -> template = Path.of(value(args, ++i, "--template"));
        case "--aws" -> aws = true;
        case "--event", "-e" -> positional.add(value(args, ++i, "--event"));
        default -> {
          if (args[i].startsWith("-")) {
            throw new UsageException("unknown option '" + args[i] + "' for invoke");
          }
          positional.add(args[i]);
        }
      }
    }
    if (positional.size() != 2) {
      throw new UsageException("usage: ./suite invoke <LogicalId> <event-file> [--env-vars file.json]");
    }
    Path eventFile = Path.of(positional.get(1));
    if (!Files.isRegularFile(eventFile)) {
      throw new UsageException("event file not found: " + eventFile);
    }
    if (!Files.isRegularFile(template)) {
      throw new UsageException("template not found: " + template);
    }
    InvokeEnvironment.EnvVarsFile overrides =
        envVars == null ? InvokeEnvironment.EnvVarsFile.none() : InvokeEnvironment.EnvVarsFile.read(envVars);
    List<String> unresolved = new ArrayList<>();
    FunctionSpec function = SamTemplate.load(template).function(positional.get(0), overrides.parameters(), unresolved);
    Map<String, String> environment = new HashMap<>(InvokeEnvironment.build(function, processEnv, overrides));
    Set<String> declared = new HashSet<>(function.environment().keySet());
    declared.addAll(unresolved);
    try (LocalBackends backends = LocalBackends.start(environment, aws, err, root, declared)) {
      for (String name : unresolved) {
        if (!environment.containsKey(name)) {
          err.println("suite: " + name + " refers to a deployed resource and is left unset (set it with --env-vars)");
        }
      }
      RequestStreamHandler handler = LocalInvoker.instantiate(function, environment);
      LocalInvoker.Result result = LocalInvoker.invoke(handler, function, Files.readAllBytes(eventFile));
      out.println(result.json());
      return result.exitCode();
    }
  }

  private static int runSamples(String[] args, Path root, PrintStream out, PrintStream err, Map<String, String> processEnv)
      throws IOException {
    Path events = root.resolve("events");
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--events")) {
        events = Path.of(value(args, ++i, "--events"));
      } else {
        throw new UsageException("unknown option '" + args[i] + "' for samples");
      }
    }
    if (!Files.isDirectory(events)) {
      throw new UsageException("events directory not found: " + events);
    }
    Map<String, String> environment = functionEnvironment(root, processEnv);
    environment.put("SUITE_LOG_LEVEL", processEnv.getOrDefault("SUITE_LOG_LEVEL", "ERROR"));
    // One metrics line per batch would bury the progress display; a user can ask for them with SUITE_METRICS=on.
    environment.put("SUITE_METRICS", processEnv.getOrDefault("SUITE_METRICS", "off"));
    try (LocalBackends backends =
        LocalBackends.start(environment, false, err, root, Set.of("SUITE_RDS_URL", "SUITE_OPENSEARCH_ENDPOINT"))) {
      return SamplesRun.run(events, environment, out);
    }
  }

  private static int runWorkload(String[] args, Path root, PrintStream out, PrintStream err, Map<String, String> processEnv)
      throws Exception {
    WorkloadOptions options = WorkloadOptions.defaults();
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--entities" -> options = options.withEntities(positiveInt(value(args, ++i, "--entities"), "--entities"));
        case "--versions" -> options = options.withVersions(positiveInt(value(args, ++i, "--versions"), "--versions"));
        case "--seed" -> options = options.withSeed(longValue(value(args, ++i, "--seed"), "--seed"));
        case "--batch-size" -> options = options.withBatchSize(positiveInt(value(args, ++i, "--batch-size"), "--batch-size"));
        default -> throw new UsageException("unknown option '" + args[i] + "' for run");
      }
    }
    Map<String, String> environment = functionEnvironment(root, processEnv);
    environment.put("SUITE_LOG_LEVEL", processEnv.getOrDefault("SUITE_LOG_LEVEL", "ERROR"));
    // One metrics line per batch would bury the progress display; a user can ask for them with SUITE_METRICS=on.
    environment.put("SUITE_METRICS", processEnv.getOrDefault("SUITE_METRICS", "off"));
    try (LocalBackends backends = LocalBackends.start(environment, false, null)) {
      return SyncRun.run(options, root, environment, processEnv, out, err);
    }
  }

  private static int runBench(String[] args, Path root, PrintStream out, PrintStream err, Map<String, String> processEnv)
      throws Exception {
    if (args.length >= 2 && args[1].equals("import")) {
      return runImportBench(args, root, out, err, processEnv);
    }
    if (args.length < 2 || !args[1].equals("sync")) {
      throw new UsageException("usage: ./suite bench sync [--entities N] [--versions N] [--seed N]"
          + " | ./suite bench import [--rows N] [--chunk-rows N[,N...]] [--seed N] [--no-sync]");
    }
    SyncBench.Options options = SyncBench.Options.defaults();
    for (int i = 2; i < args.length; i++) {
      switch (args[i]) {
        case "--entities" -> options = options.withEntities(positiveInt(value(args, ++i, "--entities"), "--entities"));
        case "--versions" -> options = options.withVersions(positiveInt(value(args, ++i, "--versions"), "--versions"));
        case "--seed" -> options = options.withSeed(longValue(value(args, ++i, "--seed"), "--seed"));
        default -> throw new UsageException("unknown option '" + args[i] + "' for bench sync");
      }
    }
    Map<String, String> environment = functionEnvironment(root, processEnv);
    environment.put("SUITE_LOG_LEVEL", processEnv.getOrDefault("SUITE_LOG_LEVEL", "ERROR"));
    // One metrics line per batch would bury the progress display; a user can ask for them with SUITE_METRICS=on.
    environment.put("SUITE_METRICS", processEnv.getOrDefault("SUITE_METRICS", "off"));
    // The bench empties the read models between its paths: always its own embedded engines, never configured ones.
    environment.remove("SUITE_RDS_URL");
    environment.remove("SUITE_OPENSEARCH_ENDPOINT");
    try (LocalBackends backends = LocalBackends.start(environment, false, null);
        LocalReadModels readModels = LocalReadModels.start(root, environment, err)) {
      environment.putAll(readModels.settings());
      return SyncBench.run(options, environment, out, err);
    }
  }

  private static int runImportBench(String[] args, Path root, PrintStream out, PrintStream err, Map<String, String> processEnv)
      throws Exception {
    ImportBench.Options options = ImportBench.Options.defaults();
    for (int i = 2; i < args.length; i++) {
      switch (args[i]) {
        case "--rows" -> options = options.withRows(positiveInt(value(args, ++i, "--rows"), "--rows"));
        case "--chunk-rows" -> {
          List<Integer> sizes = new ArrayList<>();
          for (String size : value(args, ++i, "--chunk-rows").split(",")) {
            sizes.add(positiveInt(size.trim(), "--chunk-rows"));
          }
          options = options.withChunkRows(sizes);
        }
        case "--seed" -> options = options.withSeed(longValue(value(args, ++i, "--seed"), "--seed"));
        case "--no-sync" -> options = options.withoutSync();
        default -> throw new UsageException("unknown option '" + args[i] + "' for bench import");
      }
    }
    Map<String, String> environment = functionEnvironment(root, processEnv);
    environment.put("SUITE_LOG_LEVEL", processEnv.getOrDefault("SUITE_LOG_LEVEL", "ERROR"));
    environment.put("SUITE_METRICS", processEnv.getOrDefault("SUITE_METRICS", "off"));
    // The bench checks what it wrote: always its own embedded engines, never configured ones.
    environment.remove("SUITE_RDS_URL");
    environment.remove("SUITE_OPENSEARCH_ENDPOINT");
    try (LocalReadModels readModels = LocalReadModels.start(root, environment, err)) {
      environment.putAll(readModels.settings());
      return ImportBench.run(options, root, processEnv, environment, out, err);
    }
  }

  private static int runChaos(String[] args, Path root, PrintStream out, PrintStream err, Map<String, String> processEnv)
      throws Exception {
    ChaosOptions options = ChaosOptions.defaults();
    WorkloadOptions workload = options.workload();
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--entities" -> workload = workload.withEntities(positiveInt(value(args, ++i, "--entities"), "--entities"));
        case "--versions" -> workload = workload.withVersions(positiveInt(value(args, ++i, "--versions"), "--versions"));
        case "--seed" -> workload = workload.withSeed(longValue(value(args, ++i, "--seed"), "--seed"));
        case "--kill-rate" -> options = options.withKillRate(rate(value(args, ++i, "--kill-rate"), "--kill-rate"));
        case "--outages" -> options = options.withOutagesPerPass(nonNegativeInt(value(args, ++i, "--outages"), "--outages"));
        case "--no-faults" -> options = options.withFaults(false);
        default -> throw new UsageException("unknown option '" + args[i] + "' for chaos");
      }
    }
    options = options.withWorkload(workload);
    Map<String, String> environment = functionEnvironment(root, processEnv);
    // The run writes its own data and checks it: always its own embedded engines, never configured ones.
    environment.remove("SUITE_RDS_URL");
    environment.remove("SUITE_OPENSEARCH_ENDPOINT");
    try (LocalReadModels readModels = LocalReadModels.start(root, environment, err)) {
      Map<String, String> engines = new HashMap<>(readModels.settings());
      engines.putIfAbsent("SUITE_OPENSEARCH_INDEX", environment.getOrDefault("SUITE_OPENSEARCH_INDEX", "products"));
      return ChaosRun.run(options, root, environment, engines, out, err);
    }
  }

  private static double rate(String value, String option) {
    try {
      double parsed = Double.parseDouble(value);
      if (!(parsed >= 0 && parsed <= 1)) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new UsageException(option + " must be a number between 0 and 1, found '" + value + "'");
    }
  }

  private static int nonNegativeInt(String value, String option) {
    try {
      int parsed = Integer.parseInt(value);
      if (parsed < 0) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new UsageException(option + " must be a non-negative integer, found '" + value + "'");
    }
  }

  /**
   * EventFactoryFunction's environment from the template, less what names deployed resources (the local run
   * substitutes its embedded engines for those).
   */
  private static Map<String, String> functionEnvironment(Path root, Map<String, String> processEnv) throws IOException {
    Path template = root.resolve("template.yaml");
    if (!Files.isRegularFile(template)) {
      return new HashMap<>();
    }
    FunctionSpec function = SamTemplate.load(template).function("EventFactoryFunction", Map.of(), new ArrayList<>());
    return new HashMap<>(InvokeEnvironment.build(function, processEnv, InvokeEnvironment.EnvVarsFile.none()));
  }

  private static int positiveInt(String value, String option) {
    try {
      int parsed = Integer.parseInt(value);
      if (parsed < 1) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new UsageException(option + " must be a positive integer, found '" + value + "'");
    }
  }

  private static long longValue(String value, String option) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new UsageException(option + " must be an integer, found '" + value + "'");
    }
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new UsageException(option + " needs a value");
    }
    return args[i];
  }

  /** Bad arguments or a missing file: exit 2 with a one-line reason. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
