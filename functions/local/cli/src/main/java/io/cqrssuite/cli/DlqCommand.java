package io.cqrssuite.cli;

import io.cqrssuite.testing.lambda.FunctionSpec;
import io.cqrssuite.testing.lambda.InvokeEnvironment;
import io.cqrssuite.testing.lambda.LocalInvoker;
import io.cqrssuite.testing.lambda.SamTemplate;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.reliability.deadletter.DeadLetterReader;
import io.cqrssuite.reliability.deadletter.DeadLetterReplay;
import io.cqrssuite.reliability.deadletter.DeadLetterSettings;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code ./suite dlq list|export|replay}: the dead-letter queue ({@code SUITE_DEAD_LETTER_QUEUE_URL} from the shell,
 * or {@code --queue-url}) read without consuming it, exported to NDJSON with checksums, or replayed through
 * EventFactoryFunction's handler. AWS settings ({@code AWS_REGION}, credentials, {@code AWS_ENDPOINT_URL_SQS} /
 * {@code _S3}) come from the shell, as for {@code invoke}. The last stdout line is always one JSON object.
 */
final class DlqCommand {
  static final int DEFAULT_MAX = 10;

  private DlqCommand() {}

  static int run(String[] args, Path root, PrintStream out, PrintStream err, Map<String, String> processEnv) throws Exception {
    if (args.length < 2) {
      throw new SuiteCli.UsageException("usage: ./suite dlq list|export FILE|replay [--queue-url URL] [--max N]");
    }
    String action = args[1];
    String queueUrl = processEnv.get(DeadLetterSettings.QUEUE_URL);
    int max = DEFAULT_MAX;
    List<String> positional = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      switch (args[i]) {
        case "--queue-url" -> queueUrl = value(args, ++i, "--queue-url");
        case "--max" -> max = positiveInt(value(args, ++i, "--max"), "--max");
        default -> {
          if (args[i].startsWith("-")) {
            throw new SuiteCli.UsageException("unknown option '" + args[i] + "' for dlq " + action);
          }
          positional.add(args[i]);
        }
      }
    }
    if (queueUrl == null || queueUrl.isBlank()) {
      throw new SuiteCli.UsageException("no dead-letter queue: pass --queue-url or set " + DeadLetterSettings.QUEUE_URL);
    }
    String url = queueUrl.trim();
    boolean export = action.equals("export");
    if (!List.of("list", "export", "replay").contains(action)) {
      throw new SuiteCli.UsageException("unknown dlq action '" + action + "'; use list, export FILE or replay");
    }
    if (positional.size() != (export ? 1 : 0)) {
      throw new SuiteCli.UsageException(export ? "usage: ./suite dlq export FILE [--queue-url URL] [--max N]" : "unexpected argument '" + positional.get(0) + "' for dlq " + action);
    }
    ObjectMapper mapper = EventJson.newMapper();
    AwsClients clients = new AwsClients(AwsSettings.fromEnvironment(processEnv));
    try (SqsClient sqs = clients.configure(SqsClient.builder(), "SQS").build();
        S3Client s3 = clients.configure(S3Client.builder(), "S3").build()) {
      DeadLetterReader reader = new DeadLetterReader(sqs, s3, url, mapper, Clock.systemUTC());
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
              out.println(mapper.writeValueAsString(line));
            }
            ObjectNode summary = mapper.createObjectNode();
            summary.put("queueUrl", url);
            summary.put("listed", entries.size());
            out.println(mapper.writeValueAsString(summary));
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
            out.println(mapper.writeValueAsString(summary));
            return 0;
          }
        default:
          return replay(url, max, sqs, s3, mapper, root, out, err, processEnv);
      }
    }
  }

  private static int replay(
      String url, int max, SqsClient sqs, S3Client s3, ObjectMapper mapper, Path root, PrintStream out, PrintStream err, Map<String, String> processEnv)
      throws Exception {
    Path template = root.resolve("template.yaml");
    if (!Files.isRegularFile(template)) {
      throw new SuiteCli.UsageException("template not found: " + template);
    }
    FunctionSpec function = SamTemplate.load(template).function("EventFactoryFunction", Map.of(), new ArrayList<>());
    Map<String, String> environment = new HashMap<>(InvokeEnvironment.build(function, processEnv, InvokeEnvironment.EnvVarsFile.none()));
    environment.put("SUITE_LOG_LEVEL", processEnv.getOrDefault("SUITE_LOG_LEVEL", "ERROR"));
    environment.put("SUITE_METRICS", processEnv.getOrDefault("SUITE_METRICS", "off"));
    // A record that fails again must stay where it is, not be enveloped a second time (and acknowledged).
    environment.remove(DeadLetterSettings.QUEUE_URL);
    environment.remove(DeadLetterSettings.BUCKET);
    try (LocalBackends backends =
        LocalBackends.start(environment, false, err, root, Set.of("SUITE_RDS_URL", "SUITE_OPENSEARCH_ENDPOINT"))) {
      RequestStreamHandler handler = LocalInvoker.instantiate(function, environment);
      DeadLetterReplay.Summary summary =
          new DeadLetterReplay(sqs, s3, url, mapper, DeadLetterReplay.DEFAULT_VISIBILITY_SECONDS).replay(max, handler);
      ObjectNode json = mapper.createObjectNode();
      json.put("queueUrl", url);
      json.put("replayed", summary.replayed());
      json.put("failed", summary.failed());
      json.put("skipped", summary.skipped());
      ArrayNode items = json.putArray("items");
      for (DeadLetterReplay.Item item : summary.items()) {
        ObjectNode o = items.addObject();
        o.put("messageId", item.messageId());
        o.put("eventId", item.eventId());
        o.put("source", item.source());
        o.put("status", item.status());
        if (item.reason() != null) {
          o.put("reason", item.reason());
        }
      }
      out.println(mapper.writeValueAsString(json));
      return summary.failed() > 0 ? 1 : 0;
    }
  }

  private static int positiveInt(String value, String option) {
    try {
      int parsed = Integer.parseInt(value);
      if (parsed < 1) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new SuiteCli.UsageException(option + " must be a positive integer, found '" + value + "'");
    }
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new SuiteCli.UsageException(option + " needs a value");
    }
    return args[i];
  }
}
