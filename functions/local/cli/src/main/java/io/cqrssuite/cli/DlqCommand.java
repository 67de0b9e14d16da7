package io.cqrssuite.cli;

import io.cqrssuite.cli.Arguments.UsageException;
import io.cqrssuite.testing.lambda.FunctionSpec;
import io.cqrssuite.testing.lambda.InvokeEnvironment;
import io.cqrssuite.testing.lambda.LocalInvoker;
import io.cqrssuite.testing.lambda.SamTemplate;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.reliability.deadletter.DeadLetterReader;
import io.cqrssuite.reliability.deadletter.DeadLetterReplay;
import io.cqrssuite.reliability.deadletter.DeadLetterSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code ./suite dlq list|export|replay}: the dead-letter queue ({@code SUITE_DEAD_LETTER_QUEUE_URL} from the shell,
 * or {@code --queue-url}) read without consuming it, exported to NDJSON with checksums, or replayed through
 * EventFactoryFunction's handler. AWS settings ({@code AWS_REGION}, credentials, {@code AWS_ENDPOINT_URL_SQS} /
 * {@code _S3}) come from the shell, as for {@code invoke}. The last stdout line is always one JSON object.
 */
final class DlqCommand implements Command {
  static final int DEFAULT_MAX = 10;

  @Override
  public String name() {
    return "dlq";
  }

  @Override
  public List<Usage> usage() {
    return List.of(
        Usage.of(
            "dlq list [--queue-url URL] [--max N]",
            "Peek at up to N (default 10) dead-letter envelopes without consuming them: one JSON line per message",
            "({messageId, envelope}; an envelope offloaded to S3 is read from SUITE_DEAD_LETTER_BUCKET, and only from",
            "it, else shown as its pointer with the reason).",
            "The queue is SUITE_DEAD_LETTER_QUEUE_URL from your shell unless --queue-url is given; AWS_REGION,",
            "credentials and AWS_ENDPOINT_URL[_SQS|_S3] pass through as for invoke."),
        Usage.of(
            "dlq export FILE [--queue-url URL] [--max N]",
            "Write up to N envelopes (not consumed) to FILE as NDJSON: first {\"__meta__\": {source, count, from, to,",
            "sha256 of the lines after it, exportedAt}}, then one envelope per line; and FILE.sha256 for",
            "`sha256sum -c`. Last line: one JSON summary."),
        Usage.of(
            "dlq replay [--queue-url URL] [--max N] [--dry-run] [--local] [--env-vars FILE | --deployed-env FILE]",
            "Take up to N envelopes off the queue and push each original delivery (same record, same event ids)",
            "through EventFactoryFunction's handler (no dead letters): handled -> deleted, only once the handler",
            "returned success, i.e. its writes reached the targets; failed -> left on the queue; whole rejected",
            "documents -> skipped and left. Where it writes follows one rule (docs/operations.md): a queue is real",
            "unless AWS_ENDPOINT_URL[_SQS] points away from *.amazonaws.com; from a real queue, every read model",
            "(SUITE_RDS_URL, SUITE_OPENSEARCH_ENDPOINT) and every variable naming a deployed resource must come",
            "from you: the shell, --env-vars (SAM's format) or --deployed-env (the deployed function's variables,",
            "e.g. `aws lambda get-function-configuration --query Environment`); an empty value means none.",
            "--local: blank read models run on embedded engines (refused beside a real or configured place).",
            "--dry-run: receive and show what would be replayed where; nothing is invoked or deleted, but each",
            "receive raises the message's ApproximateReceiveCount. Last line: {replayed, failed, skipped, items,",
            "targets}; exit 1 when one failed, 2 when refused."));
  }

  @Override
  public int run(Arguments arguments, Shell shell) throws Exception {
    if (!arguments.hasNext()) {
      throw new UsageException("usage: ./suite dlq list|export FILE|replay [--queue-url URL] [--max N]");
    }
    String action = arguments.next();
    String queueUrl = shell.env().get(DeadLetterSettings.QUEUE_URL);
    int max = DEFAULT_MAX;
    ReplayOptions options = new ReplayOptions();
    List<String> positional = new ArrayList<>();
    while (arguments.hasNext()) {
      String word = arguments.next();
      switch (word) {
        case "--queue-url" -> queueUrl = arguments.value("--queue-url");
        case "--max" -> max = arguments.positiveInt("--max");
        case "--dry-run" -> options.dryRun = true;
        case "--local" -> options.local = true;
        case "--env-vars" -> options.envVars = Path.of(arguments.value("--env-vars"));
        case "--deployed-env" -> options.deployedEnv = Path.of(arguments.value("--deployed-env"));
        default -> {
          if (word.startsWith("-")) {
            throw new UsageException("unknown option '" + word + "' for dlq " + action);
          }
          positional.add(word);
        }
      }
    }
    if (queueUrl == null || queueUrl.isBlank()) {
      throw new UsageException("no dead-letter queue: pass --queue-url or set " + DeadLetterSettings.QUEUE_URL);
    }
    String url = queueUrl.trim();
    boolean export = action.equals("export");
    if (!List.of("list", "export", "replay").contains(action)) {
      throw new UsageException("unknown dlq action '" + action + "'; use list, export FILE or replay");
    }
    if (!action.equals("replay") && options.any()) {
      throw new UsageException("--dry-run, --local, --env-vars and --deployed-env are options of dlq replay only");
    }
    if (options.envVars != null && options.deployedEnv != null) {
      throw new UsageException("give --env-vars or --deployed-env, not both: the deployed environment is complete by itself");
    }
    if (positional.size() != (export ? 1 : 0)) {
      throw new UsageException(export ? "usage: ./suite dlq export FILE [--queue-url URL] [--max N]" : "unexpected argument '" + positional.get(0) + "' for dlq " + action);
    }
    ObjectMapper mapper = EventJson.newMapper();
    AwsClients clients = new AwsClients(AwsSettings.fromEnvironment(shell.env()));
    try (SqsClient sqs = clients.configureWithSdkRetries(SqsClient.builder(), "SQS").build();
        S3Client s3 = clients.configureWithSdkRetries(S3Client.builder(), "S3").build()) {
      // Offloaded envelopes are followed only into the configured dead-letter bucket, up to its size limit.
      DeadLetterSettings deadLetters = DeadLetterSettings.fromEnvironment(shell.env());
      DeadLetterReader reader = new DeadLetterReader(sqs, s3, url, deadLetters.bucket(), deadLetters.maxEnvelopeBytes(), mapper, Clock.systemUTC());
      switch (action) {
        case "list":
          {
            List<DeadLetterReader.Entry> entries = reader.list(max);
            for (DeadLetterReader.Entry entry : entries) {
              ObjectNode line = mapper.createObjectNode();
              line.put("messageId", entry.messageId());
              if (entry.pointer()) {
                line.put("pointer", true);
              }
              if (entry.problem() != null) {
                line.put("problem", entry.problem());
              }
              line.set("envelope", entry.envelope());
              shell.out().println(mapper.writeValueAsString(line));
            }
            ObjectNode summary = mapper.createObjectNode();
            summary.put("queueUrl", url);
            summary.put("listed", entries.size());
            shell.out().println(mapper.writeValueAsString(summary));
            return 0;
          }
        case "export":
          {
            DeadLetterReader.Export result = reader.export(Path.of(positional.get(0)), max);
            ObjectNode summary = mapper.createObjectNode();
            summary.put("queueUrl", url);
            summary.put("file", result.file().toString());
            summary.put("checksumFile", result.checksumFile().toString());
            summary.put("count", result.count());
            summary.put("from", result.from() == null ? null : result.from().toString());
            summary.put("to", result.to() == null ? null : result.to().toString());
            summary.put("sha256", result.fileSha256());
            shell.out().println(mapper.writeValueAsString(summary));
            return 0;
          }
        default:
          return replay(url, max, options, sqs, s3, mapper, shell);
      }
    }
  }

  /** What {@code dlq replay} was told besides the queue and the count. */
  private static final class ReplayOptions {
    boolean dryRun;
    boolean local;
    Path envVars;
    Path deployedEnv;

    boolean any() {
      return dryRun || local || envVars != null || deployedEnv != null;
    }
  }

  private static int replay(String url, int max, ReplayOptions options, SqsClient sqs, S3Client s3, ObjectMapper mapper, Shell shell) throws Exception {
    Path template = shell.root().resolve("template.yaml");
    if (!Files.isRegularFile(template)) {
      throw new UsageException("template not found: " + template);
    }
    String function = EventFactoryEnvironment.FUNCTION;
    InvokeEnvironment.EnvVarsFile overrides = options.envVars == null ? InvokeEnvironment.EnvVarsFile.none() : InvokeEnvironment.EnvVarsFile.read(options.envVars);
    SamTemplate sam = SamTemplate.load(template);
    FunctionSpec spec = sam.function(function, overrides.parameters(), new ArrayList<>());
    Set<String> stackVariables = sam.stackVariables(function, overrides.parameters());
    Set<String> explicit = new TreeSet<>();
    shell.env().keySet().stream().filter(name -> name.startsWith("SUITE_")).forEach(explicit::add);
    explicit.addAll(overrides.functions().getOrDefault(function, Map.of()).keySet());
    if (options.deployedEnv != null) {
      // The deployed function's variables, complete: what it lacks, the stack lacks.
      spec = new FunctionSpec(spec.logicalId(), spec.handler(), spec.timeoutSeconds(), spec.memoryMb(), DeployedEnvironment.read(options.deployedEnv));
      explicit.addAll(stackVariables);
      explicit.addAll(WriteTargets.READ_MODELS);
      explicit.addAll(spec.environment().keySet());
    }
    Map<String, String> environment = EventFactoryEnvironment.quiet(new HashMap<>(InvokeEnvironment.build(spec, shell.env(), overrides)), shell.env());
    // Envelopes offloaded to S3 are read from the function's dead-letter bucket (the shell's, or the deployed one).
    Map<String, String> deadLetterEnv = new HashMap<>(shell.env());
    if (environment.get(DeadLetterSettings.BUCKET) != null) {
      deadLetterEnv.put(DeadLetterSettings.BUCKET, environment.get(DeadLetterSettings.BUCKET));
    }
    DeadLetterSettings deadLetters = DeadLetterSettings.fromEnvironment(deadLetterEnv);
    // A record that fails again must stay where it is, not be enveloped a second time (and acknowledged).
    environment.remove(DeadLetterSettings.QUEUE_URL);
    environment.remove(DeadLetterSettings.BUCKET);
    WriteTargets.Place source = new WriteTargets.Place(DeadLetterSettings.QUEUE_URL, url, WriteTargets.aws("SQS", shell.env()));
    // A read model the user named (even as empty: none) is never replaced by an embedded engine.
    Set<String> embeddable = new TreeSet<>(WriteTargets.READ_MODELS);
    embeddable.removeAll(explicit);
    WriteTargets.Intent intent =
        new WriteTargets.Intent(options.local, "--local", options.dryRun, "set them in the shell, in --env-vars {\"" + function + "\": {...}}, or pass --deployed-env");
    boolean realSource = source.kind() == WriteTargets.Kind.AWS;
    WriteTargets[] checked = new WriteTargets[1];
    try (LocalBackends backends =
        LocalBackends.start(
            environment,
            realSource || options.dryRun,
            shell.err(),
            shell.root(),
            env -> checked[0] = WriteTargets.of(source, env, options.dryRun ? Set.of() : embeddable, stackVariables, explicit),
            intent)) {
      DeadLetterReplay replay =
          new DeadLetterReplay(sqs, s3, url, deadLetters.bucket(), deadLetters.maxEnvelopeBytes(), mapper, DeadLetterReplay.DEFAULT_VISIBILITY_SECONDS);
      ObjectNode json = mapper.createObjectNode();
      json.put("queueUrl", url);
      json.put("queue", source.kind().name().toLowerCase(java.util.Locale.ROOT));
      int failed = 0;
      if (options.dryRun) {
        List<DeadLetterReplay.Item> plan = replay.plan(max);
        json.put("dryRun", true);
        json.put("wouldReplay", plan.stream().filter(i -> i.status().equals(DeadLetterReplay.WOULD_REPLAY)).count());
        json.put("wouldSkip", plan.stream().filter(i -> !i.status().equals(DeadLetterReplay.WOULD_REPLAY)).count());
        json.put("note", "nothing was invoked or deleted; receiving raised each listed message's ApproximateReceiveCount by one");
        items(json, plan);
      } else {
        DeadLetterReplay.Summary summary = replay.replay(max, LocalInvoker.instantiate(spec, environment));
        json.put("replayed", summary.replayed());
        json.put("failed", summary.failed());
        json.put("skipped", summary.skipped());
        items(json, summary.items());
        failed = summary.failed();
      }
      ArrayNode where = json.putArray("targets");
      for (WriteTargets.Place place : checked[0].targets()) {
        ObjectNode o = where.addObject();
        o.put("variable", place.variable());
        o.put("value", place.value());
        o.put("kind", place.kind().name().toLowerCase(java.util.Locale.ROOT));
      }
      shell.out().println(mapper.writeValueAsString(json));
      return failed > 0 ? 1 : 0;
    }
  }

  private static void items(ObjectNode json, List<DeadLetterReplay.Item> list) {
    ArrayNode items = json.putArray("items");
    for (DeadLetterReplay.Item item : list) {
      ObjectNode o = items.addObject();
      o.put("messageId", item.messageId());
      o.put("eventId", item.eventId());
      o.put("source", item.source());
      o.put("status", item.status());
      if (item.reason() != null) {
        o.put("reason", item.reason());
      }
    }
  }
}
