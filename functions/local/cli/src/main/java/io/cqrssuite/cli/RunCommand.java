package io.cqrssuite.cli;

import io.cqrssuite.cli.Arguments.UsageException;
import io.cqrssuite.verification.SyncRun;
import io.cqrssuite.verification.workload.WorkloadOptions;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code ./suite run}: the main job on embedded engines, then the command path and a CSV import on a local cloud. */
final class RunCommand implements Command {
  @Override
  public String name() {
    return "run";
  }

  @Override
  public List<Usage> usage() {
    return List.of(
        Usage.of(
            "run [--entities N] [--versions N] [--seed N] [--batch-size N]",
            "The main job on embedded engines (PostgreSQL and OpenSearch in this JVM): generate a product workload",
            "as DynamoDB-stream deliveries (deletes, TTL removals, duplicates, reordering), push it through",
            "EventFactoryFunction's handler in Lambda-sized batches, then check both read models against the state",
            "computed from the generated log. Then, on a local cloud (dynalite, ElasticMQ, an S3 stand-in and the",
            "local Step Functions harness running the real ASL in aws-local-stepfunctions; Node, installed under",
            ".suite/node): the command path (CommandService create, merge-patch, delete, rollback, a version",
            "conflict; the command stream synced into the data and history tables and both read models) and a",
            "2,000-row CSV import through the csv-import workflow (bad rows rejected, progress shown, the written",
            "commands streamed into the read models), each checked. Last line: one JSON object (commandPath and",
            "import inside); exit 1 when anything mismatches."));
  }

  @Override
  public int run(Arguments arguments, Shell shell) throws Exception {
    WorkloadOptions options = WorkloadOptions.defaults();
    while (arguments.hasNext()) {
      String word = arguments.next();
      switch (word) {
        case "--entities" -> options = options.withEntities(arguments.positiveInt("--entities"));
        case "--versions" -> options = options.withVersions(arguments.positiveInt("--versions"));
        case "--seed" -> options = options.withSeed(arguments.longValue("--seed"));
        case "--batch-size" -> options = options.withBatchSize(arguments.positiveInt("--batch-size"));
        default -> throw new UsageException("unknown option '" + word + "' for run");
      }
    }
    // The run writes a generated workload and checks it: into its own engines only, never a read model the shell names.
    Map<String, String> environment =
        EventFactoryEnvironment.withoutReadModels(EventFactoryEnvironment.quiet(EventFactoryEnvironment.of(shell.root(), shell.env()), shell.env()));
    try (LocalBackends backends = LocalBackends.start(environment, false, null)) {
      // Its embedded engines beside an AWS place the shell names (a table with no endpoint override) would be mixed.
      WriteTargets.of(null, environment, WriteTargets.READ_MODELS, Set.of(), Set.of()).enforce(new WriteTargets.Intent(true, "", false, ""));
      return SyncRun.run(options, shell.root(), environment, shell.env(), shell.out(), shell.err());
    }
  }
}
