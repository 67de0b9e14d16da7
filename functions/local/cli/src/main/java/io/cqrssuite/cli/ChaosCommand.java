package io.cqrssuite.cli;

import io.cqrssuite.cli.Arguments.UsageException;
import io.cqrssuite.verification.LocalReadModels;
import io.cqrssuite.verification.chaos.ChaosOptions;
import io.cqrssuite.verification.chaos.ChaosRun;
import io.cqrssuite.verification.workload.WorkloadOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code ./suite chaos}: the delivery guarantees under injected faults and a worker killed mid-batch. */
final class ChaosCommand implements Command {
  @Override
  public String name() {
    return "chaos";
  }

  @Override
  public List<Usage> usage() {
    return List.of(
        Usage.of(
            "chaos [--entities N] [--versions N] [--seed N] [--kill-rate R] [--outages N] [--no-faults]",
            "The delivery guarantees under faults: a product log (default 10,000 products x 10 versions = 100,000",
            "changes, 20% duplicates, reordering) delivered as one DynamoDB-stream shard with the template's own",
            "mapping settings (BatchSize, MaximumRetryAttempts, BisectBatchOnFunctionError) to EventFactoryFunction",
            "in a worker process, its PostgreSQL and OpenSearch behind fault-injecting proxies (503s, resets, stalls,",
            "outages). Given-up batches go to the on-failure queue as pointers, are turned into dead letters from",
            "the stream and replayed. Pass 1: the first half of the log; pass 2: the rest, while the worker is",
            "killed with SIGKILL mid-batch (--kill-rate, default 0.03 of invocations). Both read models are checked",
            "against the log after each pass. Last line: one JSON object with changes, lost, stale, resurrected,",
            "deadLettered, replayed; exit 1 unless lost, stale, resurrected and all other mismatches are 0."));
  }

  @Override
  public int run(Arguments arguments, Shell shell) throws Exception {
    ChaosOptions options = ChaosOptions.defaults();
    WorkloadOptions workload = options.workload();
    while (arguments.hasNext()) {
      String word = arguments.next();
      switch (word) {
        case "--entities" -> workload = workload.withEntities(arguments.positiveInt("--entities"));
        case "--versions" -> workload = workload.withVersions(arguments.positiveInt("--versions"));
        case "--seed" -> workload = workload.withSeed(arguments.longValue("--seed"));
        case "--kill-rate" -> options = options.withKillRate(arguments.fraction("--kill-rate"));
        case "--outages" -> options = options.withOutagesPerPass(arguments.nonNegativeInt("--outages"));
        case "--no-faults" -> options = options.withFaults(false);
        default -> throw new UsageException("unknown option '" + word + "' for chaos");
      }
    }
    options = options.withWorkload(workload);
    Map<String, String> environment = EventFactoryEnvironment.withoutReadModels(EventFactoryEnvironment.of(shell.root(), shell.env()));
    try (LocalReadModels readModels = LocalReadModels.start(shell.root(), environment, shell.err())) {
      Map<String, String> engines = new HashMap<>(readModels.settings());
      engines.putIfAbsent("SUITE_OPENSEARCH_INDEX", environment.getOrDefault("SUITE_OPENSEARCH_INDEX", "products"));
      return ChaosRun.run(options, shell.root(), environment, engines, shell.out(), shell.err());
    }
  }
}
