package io.cqrssuite.verification.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.catalog.function.CatalogHandler;
import io.cqrssuite.testing.lambda.SamTemplate;
import io.cqrssuite.verification.ProgressLine;
import io.cqrssuite.verification.workload.ExpectedState;
import io.cqrssuite.verification.workload.ProductCommand;
import io.cqrssuite.verification.workload.ProductWorkloadGenerator;
import io.cqrssuite.verification.workload.ReadModelCheck;
import io.cqrssuite.verification.workload.StreamDeliveries;
import io.cqrssuite.verification.workload.WorkloadOptions;
import io.cqrssuite.reliability.deadletter.DeadLetterReplay;
import io.cqrssuite.reliability.deadletter.DeadLetterSettings;
import io.cqrssuite.reliability.stream.StreamFailureConsumer;
import io.cqrssuite.testing.aws.OnFailurePointers;
import io.cqrssuite.sync.opensearch.OpenSearchSettings;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * {@code ./suite chaos}: the suite's delivery guarantees under faults, end to end. A product log (default 100,000
 * changes over 10,000 products) becomes one DynamoDB-stream shard with duplicates and reordering; the shard is
 * delivered by a {@link StreamMapping} with the template's own mapping settings to {@code EventFactoryFunction}'s
 * real handler in a separate {@link WorkerProcess}, whose PostgreSQL and OpenSearch are reached only through
 * fault-injecting proxies (background 503s, resets before and after the server did the work, stalls; and outages
 * long enough to exhaust a batch's retries). Given-up batches become on-failure pointers on an SQS queue
 * (ElasticMQ in this JVM), a pointer consumer reads the records back from the stream (a local DynamoDB Streams API
 * harness) into dead-letter envelopes, and the envelopes are replayed through the same handler. The first pass
 * delivers the first half of the log; the second pass delivers the rest while the worker is killed with SIGKILL at
 * random points mid-batch. After each pass and its replay both read models are checked, with plain SQL and plain
 * HTTP, against the state computed straight from the log. The last line is one JSON object; exit 1 when anything is
 * lost, stale, resurrected or otherwise wrong, a pointer could not be resolved, or a dead letter could not be
 * replayed.
 */
public final class ChaosRun {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TABLE = "dev-catalog-product-command";
  private static final String SHARD = "shardId-00000001764547200000-c4a05f00";
  private static final int REPLAY_ROUNDS = 5;
  private static final int REPLAY_VISIBILITY_SECONDS = 2;

  private ChaosRun() {}

  /**
   * Runs against engines already started ({@code readModels}: SUITE_RDS_* and SUITE_OPENSEARCH_* pointing at them)
   * with the function's environment from the template.
   */
  public static int run(ChaosOptions options, Path root, Map<String, String> functionEnvironment, Map<String, String> readModels,
      PrintStream out, PrintStream progress) throws Exception {
    return run(options, root, functionEnvironment, readModels, out, progress, UnaryOperator.identity());
  }

  /**
   * The run with a seam for tests: {@code rewrite} changes each pass's stream records before they go on the shard,
   * so the worker, the pointers read back from the stream and the replay all see the same rewritten records (a
   * faulty sync, simulated, that the check must catch).
   */
  static int run(ChaosOptions options, Path root, Map<String, String> functionEnvironment, Map<String, String> readModels,
      PrintStream out, PrintStream progress, UnaryOperator<List<ObjectNode>> rewrite) throws Exception {
    long started = System.nanoTime();
    SamTemplate template = SamTemplate.load(root.resolve("template.yaml"));
    StreamMapping mapping = new StreamMapping(StreamMapping.Settings.fromTemplate(template, "EventFactoryFunction"));
    int timeoutSeconds = template.function("EventFactoryFunction", Map.of(), new ArrayList<>()).timeoutSeconds();
    WorkloadOptions workload = options.workload();

    List<ProductCommand> log = ProductWorkloadGenerator.generate(workload);
    int half = log.size() / 2;
    List<List<ProductCommand>> passLogs = List.of(log.subList(0, half), log.subList(half, log.size()));
    StreamDeliveries deliveries = new StreamDeliveries(TABLE);
    List<List<ObjectNode>> shards = new ArrayList<>();
    long sequence = 4_000_000_000_000_000_000L;
    for (int pass = 0; pass < 2; pass++) {
      List<ObjectNode> delivered = rewrite.apply(deliveries.records(passLogs.get(pass), workload.withSeed(workload.seed() + pass)));
      List<ObjectNode> shard = new ArrayList<>(delivered.size());
      for (ObjectNode record : delivered) {
        // One stream record per delivered change: a duplicate is a record of its own with the same image.
        ObjectNode copy = record.deepCopy();
        sequence += 100;
        ((ObjectNode) copy.path("dynamodb")).put("SequenceNumber", Long.toString(sequence));
        copy.put("eventID", Long.toHexString(sequence) + "5eed");
        shard.add(copy);
      }
      shards.add(shard);
    }
    long changes = log.stream().filter(c -> !c.expiry()).count();
    progress.printf("chaos: %,d changes over %,d products (+%,d TTL expiries), %,d stream records with %.0f%% duplicates, reordering within %d;"
            + " mapping BatchSize %d, MaximumRetryAttempts %d, BisectBatchOnFunctionError %s%n",
        changes, workload.entities(), log.size() - changes, shards.get(0).size() + shards.get(1).size(), workload.duplicateRate() * 100,
        workload.reorderWindow(), mapping.settings().batchSize(), mapping.settings().maximumRetryAttempts(), mapping.settings().bisectOnFunctionError());

    Path work = Files.createTempDirectory("suite-chaos-");
    SQSRestServer sqsServer = SQSRestServerBuilder.withDynamicPort().withInterface("127.0.0.1").start();
    String sqsEndpoint = "http://127.0.0.1:" + sqsServer.waitUntilStarted().localAddress().getPort();
    URI rds = URI.create(readModels.get("SUITE_RDS_URL").substring("jdbc:".length()));
    URI search = URI.create(readModels.get("SUITE_OPENSEARCH_ENDPOINT"));
    ChaosFaults plans = new ChaosFaults(options.faults(), workload.seed());
    try (TcpFaultProxy postgresProxy = TcpFaultProxy.start(rds.getHost(), rds.getPort(), plans.postgres());
        HttpFaultProxy searchProxy = HttpFaultProxy.start(search.getHost(), search.getPort(), plans.search());
        ShardStream streams = ShardStream.start(SHARD, deliveries, shards);
        SqsClient sqs = sqsClient(sqsEndpoint)) {
      String deadLetters = sqs.createQueue(b -> b.queueName("chaos-dead-letters")).queueUrl();
      String pointers = sqs.createQueue(b -> b.queueName("chaos-stream-failures")).queueUrl();
      progress.printf("chaos: PostgreSQL behind %s, OpenSearch behind %s; dead letters and on-failure pointers on ElasticMQ %s; worker log %s%n",
          "127.0.0.1:" + postgresProxy.port(), "127.0.0.1:" + searchProxy.port(), sqsEndpoint, work.resolve("worker.log"));

      Map<String, String> env = new LinkedHashMap<>(functionEnvironment);
      env.putAll(readModels);
      env.put("SUITE_RDS_URL", "jdbc:" + rds.getScheme() + "://127.0.0.1:" + postgresProxy.port() + rds.getRawPath()
          + (rds.getRawQuery() == null ? "" : "?" + rds.getRawQuery()));
      env.put("SUITE_OPENSEARCH_ENDPOINT", "http://127.0.0.1:" + searchProxy.port());
      env.put("AWS_REGION", "us-east-1");
      env.put("AWS_ACCESS_KEY_ID", "chaos");
      env.put("AWS_SECRET_ACCESS_KEY", "chaos");
      env.put("AWS_ENDPOINT_URL_SQS", sqsEndpoint);
      env.put("SUITE_LOG_LEVEL", "WARN");
      env.put("SUITE_METRICS", "off");
      Map<String, String> workerEnv = new LinkedHashMap<>(env);
      workerEnv.put(DeadLetterSettings.QUEUE_URL, deadLetters);
      // The replay runs without dead letters: a record failing again must stay on the queue, not be re-enveloped.
      Map<String, String> replayEnv = new LinkedHashMap<>(env);
      replayEnv.remove(DeadLetterSettings.QUEUE_URL);
      CatalogHandler replayHandler = new CatalogHandler(replayEnv);

      List<ObjectNode> passes = new ArrayList<>();
      long deadLettered = 0;
      long replayed = 0;
      long left = 0;
      long pointersFailed = 0;
      ReadModelCheck.Report[] last = null;
      try (WorkerProcess worker = new WorkerProcess(workerEnv, work.resolve("worker.log"), timeoutSeconds, workload.seed())) {
        for (int pass = 0; pass < 2; pass++) {
          double killRate = pass == 1 ? options.killRate() : 0;
          worker.killRate(killRate);
          List<ObjectNode> shard = shards.get(pass);
          OutageSchedule outages = new OutageSchedule(options.outagesPerPass(), (shard.size() + mapping.settings().batchSize() - 1) / mapping.settings().batchSize(),
              mapping.settings().maximumRetryAttempts() + 2, pass * options.outagesPerPass(), new SplittableRandom(workload.seed() * 31 + pass));
          int killsBefore = worker.kills;
          long t0 = System.nanoTime();
          Progress shown = new Progress(progress, pass + 1, shard.size());
          StreamMapping.Stats stats =
              mapping.deliver(shard, batch -> {
                    StreamMapping.Answer answer = worker.invoke(batch);
                    shown.delivered(batch);
                    return answer;
                  },
                  (given, invokeCount) -> sqs.sendMessage(b -> b.queueUrl(pointers)
                      .messageBody(OnFailurePointers.message(SHARD, given, "RetryAttemptsExhausted", invokeCount, Instant.now()))),
                  () -> outages.next(postgresProxy, searchProxy, plans));
          postgresProxy.plan(plans.postgres());
          searchProxy.plan(plans.search());
          double deliverSeconds = (System.nanoTime() - t0) / 1e9;
          shown.done();

          StreamFailureConsumer.Summary resolution = streams.resolve(sqs, pointers, deadLetters);
          long enveloped = approximateCount(sqs, deadLetters);
          deadLettered += enveloped;
          long replayedThisPass = 0;
          for (int round = 0; round < REPLAY_ROUNDS && approximateCount(sqs, deadLetters) > 0; round++) {
            // A replay that fails leaves its message on the queue, visible again after the (short) visibility timeout.
            awaitVisible(sqs, deadLetters);
            DeadLetterReplay.Summary summary =
                new DeadLetterReplay(sqs, null, deadLetters, JSON, REPLAY_VISIBILITY_SECONDS).replay(Integer.MAX_VALUE, replayHandler);
            replayedThisPass += summary.replayed();
          }
          replayed += replayedThisPass;
          left = approximateCount(sqs, deadLetters);

          ExpectedState expected = ExpectedState.of(log.subList(0, pass == 0 ? half : log.size()));
          last = check(readModels, expected);
          ObjectNode summary = JSON.createObjectNode();
          summary.put("pass", pass + 1);
          summary.put("records", shard.size());
          summary.put("invocations", stats.invocations);
          summary.put("partialFailures", stats.partialFailures);
          summary.put("functionErrors", stats.functionErrors);
          summary.put("bisections", stats.bisections);
          summary.put("pointers", stats.pointers);
          summary.put("recordsGivenUp", stats.recordsGivenUp);
          summary.put("pointersResolved", resolution.acknowledged());
          summary.put("pointersFailed", resolution.failed());
          pointersFailed += resolution.failed();
          summary.put("deadLettered", enveloped);
          summary.put("replayed", replayedThisPass);
          summary.put("deadLettersLeft", left);
          summary.put("outages", outages.started());
          summary.put("killRate", killRate);
          summary.put("kills", worker.kills - killsBefore);
          summary.put("deliverSeconds", Math.round(deliverSeconds * 100) / 100.0);
          summary.put("recordsPerSecond", Math.round(shard.size() / Math.max(deliverSeconds, 1e-9)));
          putCheck(summary, last);
          passes.add(summary);
          out.println("pass " + (pass + 1) + ": " + summary);
        }
        ObjectNode result = JSON.createObjectNode();
        result.put("changes", changes);
        result.put("entities", workload.entities());
        result.put("records", shards.get(0).size() + shards.get(1).size());
        putCheck(result, last);
        result.put("deadLettered", deadLettered);
        result.put("replayed", replayed);
        result.put("deadLettersLeft", left);
        result.put("pointersFailed", pointersFailed);
        result.put("kills", worker.kills);
        result.put("workerStarts", worker.starts);
        result.put("workerStartMillisAvg", worker.starts == 0 ? 0 : worker.startMillis / worker.starts);
        ObjectNode faults = result.putObject("faults");
        faults.set("postgres", JSON.valueToTree(postgresProxy.counts()));
        faults.set("opensearch", JSON.valueToTree(searchProxy.counts()));
        result.set("passes", JSON.valueToTree(passes));
        result.put("seconds", Math.round((System.nanoTime() - started) / 1e7) / 100.0);
        for (ReadModelCheck.Report report : last) {
          for (String example : report.examples()) {
            out.println("  mismatch (" + report.model() + "): " + example);
          }
        }
        out.println(result);
        boolean clean = result.path("mismatches").asLong() == 0 && left == 0 && pointersFailed == 0;
        return clean ? 0 : 1;
      }
    } finally {
      sqsServer.stopAndWait();
    }
  }

  /** Both read models against {@code expected}, read directly (not through the proxies). */
  private static ReadModelCheck.Report[] check(Map<String, String> readModels, ExpectedState expected) throws Exception {
    ReadModelCheck.Report rows =
        ReadModelCheck.relational(readModels.get("SUITE_RDS_URL"), readModels.get("SUITE_RDS_USER"), readModels.get("SUITE_RDS_PASSWORD"), expected);
    OpenSearchSettings search = OpenSearchSettings.fromEnvironment(readModels).orElseThrow();
    String endpoint = readModels.get("SUITE_OPENSEARCH_ENDPOINT").replaceAll("/+$", "");
    ReadModelCheck.Report documents = ReadModelCheck.search(endpoint, search.indexNames().readAlias(), search.indexNames().writeAlias(), expected);
    return new ReadModelCheck.Report[] {rows, documents};
  }

  private static void putCheck(ObjectNode into, ReadModelCheck.Report[] reports) {
    long lost = 0, stale = 0, resurrected = 0, mismatches = 0;
    for (ReadModelCheck.Report report : reports) {
      lost += report.lost();
      stale += report.stale();
      resurrected += report.resurrected();
      mismatches += report.mismatches();
    }
    into.put("lost", lost);
    into.put("stale", stale);
    into.put("resurrected", resurrected);
    into.put("mismatches", mismatches);
    into.put("rows", reports[0].visible());
    into.put("documents", reports[1].visible());
  }

  private static long approximateCount(SqsClient sqs, String queueUrl) {
    Map<QueueAttributeName, String> attributes =
        sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
    return Long.parseLong(attributes.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0"))
        + Long.parseLong(attributes.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0"));
  }

  /** Waits (up to twice the visibility timeout) until a message of the queue can be received. */
  private static void awaitVisible(SqsClient sqs, String queueUrl) throws InterruptedException {
    long deadline = System.nanoTime() + REPLAY_VISIBILITY_SECONDS * 2_000_000_000L;
    while (System.nanoTime() < deadline) {
      String visible = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
          .attributes().getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0");
      if (!visible.equals("0")) {
        return;
      }
      Thread.sleep(100);
    }
  }

  private static SqsClient sqsClient(String endpoint) {
    Map<String, String> env = Map.of("AWS_REGION", "us-east-1", "AWS_ENDPOINT_URL_SQS", endpoint);
    return new AwsClients(AwsSettings.fromEnvironment(env))
        .configure(SqsClient.builder(), "SQS")
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("chaos", "chaos")))
        .build();
  }

  /** A pass's progress line on stderr: invocations and records delivered so far. */
  private static final class Progress {
    private final ProgressLine line;
    private final int pass;
    private final int total;
    private final long t0 = System.nanoTime();
    private long invocations;
    private long records;

    Progress(PrintStream out, int pass, int total) {
      this.line = ProgressLine.on(out);
      this.pass = pass;
      this.total = total;
    }

    synchronized void delivered(List<ObjectNode> batch) {
      invocations++;
      records += batch.size();
      line.update(this::status);
    }

    synchronized void done() {
      line.finish(status());
    }

    private String status() {
      return String.format("  pass %d: %,d invocations carrying %,d records (shard: %,d), %.1f s", pass, invocations, records, total,
          (System.nanoTime() - t0) / 1e9);
    }
  }
}
