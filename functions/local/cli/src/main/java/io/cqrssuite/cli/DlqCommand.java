package io.cqrssuite.cli;

import io.cqrssuite.cli.Arguments.UsageException;
import io.cqrssuite.testing.lambda.FunctionSpec;
import io.cqrssuite.testing.lambda.LocalInvoker;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
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
            "({messageId, envelope}; an envelope offloaded to S3 is read from the bucket, else shown as its pointer).",
            "The queue is SUITE_DEAD_LETTER_QUEUE_URL from your shell unless --queue-url is given; AWS_REGION,",
            "credentials and AWS_ENDPOINT_URL[_SQS|_S3] pass through as for invoke."),
        Usage.of(
            "dlq export FILE [--queue-url URL] [--max N]",
            "Write up to N envelopes (not consumed) to FILE as NDJSON: first {\"__meta__\": {source, count, from, to,",
            "sha256 of the lines after it, exportedAt}}, then one envelope per line; and FILE.sha256 for",
            "`sha256sum -c`. Last line: one JSON summary."),
        Usage.of(
            "dlq replay [--queue-url URL] [--max N]",
            "Take up to N envelopes off the queue and push each original delivery (same record, same event ids)",
            "through EventFactoryFunction's handler (template environment, local read models, no dead letters):",
            "handled -> deleted; failed -> left on the queue; whole rejected documents -> skipped and left.",
            "Last line: {replayed, failed, skipped, items}; exit 1 when one failed."));
  }

  @Override
  public int run(Arguments arguments, Shell shell) throws Exception {
    if (!arguments.hasNext()) {
      throw new UsageException("usage: ./suite dlq list|export FILE|replay [--queue-url URL] [--max N]");
    }
    String action = arguments.next();
    String queueUrl = shell.env().get(DeadLetterSettings.QUEUE_URL);
    int max = DEFAULT_MAX;
    List<String> positional = new ArrayList<>();
    while (arguments.hasNext()) {
      String word = arguments.next();
      switch (word) {
        case "--queue-url" -> queueUrl = arguments.value("--queue-url");
        case "--max" -> max = arguments.positiveInt("--max");
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
    if (positional.size() != (export ? 1 : 0)) {
      throw new UsageException(export ? "usage: ./suite dlq export FILE [--queue-url URL] [--max N]" : "unexpected argument '" + positional.get(0) + "' for dlq " + action);
    }
    ObjectMapper mapper = EventJson.newMapper();
    AwsClients clients = new AwsClients(AwsSettings.fromEnvironment(shell.env()));
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
          return replay(url, max, sqs, s3, mapper, shell);
      }
    }
  }

  private static int replay(String url, int max, SqsClient sqs, S3Client s3, ObjectMapper mapper, Shell shell) throws Exception {
    Path template = shell.root().resolve("template.yaml");
    if (!Files.isRegularFile(template)) {
      throw new UsageException("template not found: " + template);
    }
    FunctionSpec function = EventFactoryEnvironment.function(template);
    Map<String, String> environment = EventFactoryEnvironment.quiet(EventFactoryEnvironment.of(function, shell.env()), shell.env());
    // A record that fails again must stay where it is, not be enveloped a second time (and acknowledged).
    environment.remove(DeadLetterSettings.QUEUE_URL);
    environment.remove(DeadLetterSettings.BUCKET);
    try (LocalBackends backends =
        LocalBackends.start(environment, false, shell.err(), shell.root(), Set.of("SUITE_RDS_URL", "SUITE_OPENSEARCH_ENDPOINT"))) {
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
      shell.out().println(mapper.writeValueAsString(json));
      return summary.failed() > 0 ? 1 : 0;
    }
  }
}
