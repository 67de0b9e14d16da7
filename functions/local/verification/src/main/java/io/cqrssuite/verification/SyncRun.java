package io.cqrssuite.verification;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.catalog.product.ProductQuery;
import io.cqrssuite.catalog.product.ProductSearch;
import io.cqrssuite.catalog.function.CatalogHandler;
import io.cqrssuite.verification.importrun.WorkflowStages;
import io.cqrssuite.verification.workload.ExpectedState;
import io.cqrssuite.verification.workload.ProductCommand;
import io.cqrssuite.verification.workload.ProductWorkloadGenerator;
import io.cqrssuite.verification.workload.ReadModelCheck;
import io.cqrssuite.verification.workload.StreamDeliveries;
import io.cqrssuite.verification.workload.WorkloadOptions;
import io.cqrssuite.sync.opensearch.OpenSearchClients;
import io.cqrssuite.sync.opensearch.OpenSearchSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * {@code ./suite run}: the main job on embedded defaults. A product workload becomes DynamoDB-stream deliveries,
 * which go through {@code EventFactoryFunction}'s real handler in Lambda-sized batches, redelivered from the
 * reported sequence number as the event-source mapping does; then both read models are checked against the state
 * computed from the generated log. Then the command path and a CSV import through the workflow path run on a local
 * cloud ({@link WorkflowStages}) into the same read models. The last line is one JSON object; non-zero exit when
 * anything mismatches.
 */
public final class SyncRun {
  /** Redeliveries of one batch before it is given up (the template's MaximumRetryAttempts). */
  static final int MAX_ATTEMPTS = 10;

  private static final ObjectMapper JSON = new ObjectMapper();

  private SyncRun() {}

  public static int run(WorkloadOptions options, Path root, Map<String, String> environment, Map<String, String> processEnv, PrintStream out,
      PrintStream progress) throws Exception {
    return run(options, root, environment, processEnv, out, progress, UnaryOperator.identity(), true);
  }

  /**
   * The run with a seam for tests: {@code rewrite} changes the stream records before the function sees them (a
   * faulty sync, simulated, that the check must catch), and {@code workflowStages} false stops after the stream job
   * and its check.
   */
  static int run(WorkloadOptions options, Path root, Map<String, String> environment, Map<String, String> processEnv, PrintStream out,
      PrintStream progress, UnaryOperator<List<ObjectNode>> rewrite, boolean workflowStages) throws Exception {
    long started = System.nanoTime();
    List<ProductCommand> log = ProductWorkloadGenerator.generate(options);
    ExpectedState expected = ExpectedState.of(log);
    StreamDeliveries stream = new StreamDeliveries("dev-catalog-product-command");
    List<ObjectNode> records = rewrite.apply(stream.records(log, options));
    progress.printf("workload: %d products x %d versions (seed %d): %d commands, %d stream records with duplicates and reordering%n",
        options.entities(), options.versions(), options.seed(), log.size(), records.size());
    try (LocalReadModels readModels = LocalReadModels.start(root, environment, progress)) {
      Map<String, String> env = new LinkedHashMap<>(environment);
      env.putAll(readModels.settings());
      CatalogHandler handler = new CatalogHandler(env);

      Delivery delivery = deliver(handler, records, options.batchSize(), progress);
      double seconds = delivery.nanos / 1e9;

      ReadModelCheck.Report rows = ReadModelCheck.relational(env.get("SUITE_RDS_URL"), env.get("SUITE_RDS_USER"), env.get("SUITE_RDS_PASSWORD"), expected);
      OpenSearchSettings search = OpenSearchSettings.fromEnvironment(env).orElseThrow();
      String endpoint = env.get("SUITE_OPENSEARCH_ENDPOINT").replaceAll("/+$", "");
      ReadModelCheck.Report documents =
          ReadModelCheck.search(endpoint, search.indexNames().readAlias(), search.indexNames().writeAlias(), expected);

      long mismatches = rows.mismatches() + documents.mismatches() + delivery.givenUp;
      double perSecond = records.size() / Math.max(seconds, 1e-9);
      out.println();
      out.printf("delivered  %,d stream records in %,d batches (%,d redeliveries, %,d records given up) in %.2f s: %,.0f records/s%n",
          records.size(), delivery.batches, delivery.redeliveries, delivery.givenUp, seconds, perSecond);
      out.printf("expected   %,d products: %,d alive, %,d deleted%n", expected.entities().size(), expected.alive(), expected.entities().size() - expected.alive());
      out.printf("PostgreSQL %,d rows visible in product_live, %,d stored with tombstones, %,d mismatches%n", rows.visible(), rows.stored(), rows.mismatches());
      out.printf("OpenSearch %,d documents visible through '%s', %,d stored with tombstones, %,d mismatches%n",
          documents.visible(), search.indexNames().readAlias(), documents.stored(), documents.mismatches());
      for (String example : concat(rows.examples(), documents.examples())) {
        out.println("  mismatch: " + example);
      }
      String sample = sampleSearch(search, env, out);
      ObjectNode summary = JSON.createObjectNode();
      summary.put("records", records.size());
      summary.put("recordsPerSecond", Math.round(perSecond));
      summary.put("rows", rows.visible());
      summary.put("documents", documents.visible());
      summary.put("mismatches", mismatches);
      summary.put("entities", expected.entities().size());
      summary.put("alive", expected.alive());
      summary.put("commands", log.size());
      summary.put("batches", delivery.batches);
      summary.put("redeliveries", delivery.redeliveries);
      summary.put("givenUp", delivery.givenUp);
      summary.put("syncSeconds", Math.round(seconds * 1000) / 1000.0);
      summary.put("totalSeconds", Math.round((System.nanoTime() - started) / 1e6) / 1000.0);
      summary.put("sampleSearch", sample);
      // Then the command path and a CSV import through the workflow, into the same read models.
      long stageMismatches = workflowStages ? WorkflowStages.run(root, processEnv, env, summary, out, progress) : 0;
      summary.put("totalSeconds", Math.round((System.nanoTime() - started) / 1e6) / 1000.0);
      out.println(summary);
      return mismatches == 0 && stageMismatches == 0 ? 0 : 1;
    }
  }

  /** How the deliveries went. */
  private static final class Delivery {
    long nanos;
    int delivered;
    int batches;
    int redeliveries;
    int givenUp;
  }

  /**
   * Delivers batch after batch like a stream mapping: a reported failure makes the rest of the batch, from the
   * failed sequence number on, come again; after {@link #MAX_ATTEMPTS} the mapping would give up (and its
   * on-failure destination would get a pointer), which the run counts as a mismatch.
   */
  private static Delivery deliver(CatalogHandler handler, List<ObjectNode> records, int batchSize, PrintStream progress) throws Exception {
    Delivery delivery = new Delivery();
    long t0 = System.nanoTime();
    ProgressLine shown = ProgressLine.on(progress);
    Supplier<String> status = () -> String.format("  synced %,d / %,d records  (%,.0f records/s, %d redeliveries)", delivery.delivered,
        records.size(), delivery.delivered / Math.max((System.nanoTime() - t0) / 1e9, 1e-9), delivery.redeliveries);
    for (int start = 0; start < records.size(); start += batchSize) {
      List<ObjectNode> batch = records.subList(start, Math.min(records.size(), start + batchSize));
      for (int attempt = 1; !batch.isEmpty(); attempt++) {
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(StreamDeliveries.event(batch)), response, null);
        delivery.batches++;
        JsonNode failures = JSON.readTree(response.toByteArray()).path("batchItemFailures");
        if (failures.isEmpty()) {
          break;
        }
        String failed = failures.get(0).path("itemIdentifier").asText();
        int from = indexOf(batch, failed);
        if (attempt == MAX_ATTEMPTS) {
          delivery.givenUp += batch.size() - from;
          shown.note(String.format("gave up on %d records from sequence number %s after %d attempts", batch.size() - from, failed, attempt));
          break;
        }
        delivery.redeliveries++;
        batch = batch.subList(from, batch.size());
      }
      delivery.delivered = Math.min(records.size(), start + batchSize);
      shown.update(status);
    }
    delivery.nanos = System.nanoTime() - t0;
    shown.finish(status.get());
    return delivery;
  }

  private static int indexOf(List<ObjectNode> batch, String sequenceNumber) {
    for (int i = 0; i < batch.size(); i++) {
      if (batch.get(i).path("dynamodb").path("SequenceNumber").asText().equals(sequenceNumber)) {
        return i;
      }
    }
    throw new IllegalStateException("the function reported a sequence number that is not in the batch: " + sequenceNumber);
  }

  /** One search through the read alias, as a user of the example would run it. */
  private static String sampleSearch(OpenSearchSettings settings, Map<String, String> env, PrintStream out) throws Exception {
    ProductSearch search =
        new ProductSearch(OpenSearchClients.create(settings, env.getOrDefault("AWS_REGION", "us-east-1")), settings.indexNames().readAlias());
    ProductQuery query = ProductQuery.tenant("acme").withText("steel").withCategory("kitchen").withPriceBetween(1_000L, 2_000_000L).withActive(true);
    ProductSearch.Page page = search.search(query);
    List<String> names = new ArrayList<>();
    page.products().stream().limit(3).forEach(p -> names.add(p.path("name").asText() + " (" + p.path("price").asLong() + ")"));
    String line = "acme, text 'steel', category kitchen, price 10.00-20000.00, active: " + page.total() + " hits " + names;
    out.println("search     " + line);
    return line;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
