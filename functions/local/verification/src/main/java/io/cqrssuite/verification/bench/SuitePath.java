package io.cqrssuite.verification.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.catalog.function.CatalogHandler;
import io.cqrssuite.verification.workload.ProductCommand;
import io.cqrssuite.verification.workload.StreamDeliveries;
import io.cqrssuite.verification.workload.WorkloadOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The suite as deployed: the commands as DynamoDB-stream records in log order, delivered in Lambda-sized batches to
 * {@code EventFactoryFunction}'s handler, whose dispatcher keeps the newest version per entity of each batch and
 * writes it to PostgreSQL and OpenSearch in parallel. One handler (one warm container) serves the warm-up and the
 * measured run.
 */
final class SuitePath implements SyncPath {
  static final int BATCH_SIZE = 100;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CatalogHandler handler;
  private final BenchReadModels readModels;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  SuitePath(Map<String, String> environment, BenchReadModels readModels) {
    this.handler = new CatalogHandler(environment);
    this.readModels = readModels;
  }

  @Override
  public String name() {
    return "suite";
  }

  @Override
  public String description() {
    return "stream batches of " + BATCH_SIZE + " -> CatalogHandler -> dispatcher -> PostgreSQL | OpenSearch";
  }

  @Override
  public Timing write(List<ProductCommand> commands, Progress progress) throws Exception {
    List<ObjectNode> records = new StreamDeliveries("dev-catalog-product-command").records(commands, inOrder());
    List<byte[]> events = StreamDeliveries.batches(records, BATCH_SIZE);
    long failures = 0;
    long started = System.nanoTime();
    int done = 0;
    for (byte[] event : events) {
      ByteArrayOutputStream response = new ByteArrayOutputStream(64);
      handler.handleRequest(new ByteArrayInputStream(event), response, null);
      failures += JSON.readTree(response.toByteArray()).path("batchItemFailures").size();
      done = Math.min(commands.size(), done + BATCH_SIZE);
      progress.done(done);
    }
    readModels.refresh(http);
    long nanos = System.nanoTime() - started;
    int writes = newestPerBatch(commands);
    String detail =
        String.format("%,d of the %,d commands written to each target (newest version per entity in each batch)", writes, commands.size());
    return new Timing(nanos, failures, detail);
  }

  /** The log as it is: no duplicates, no reordering, every record in its own delivery once. */
  private static WorkloadOptions inOrder() {
    return new WorkloadOptions(1, 1, 0L, 0.0, 1, 0.0, 0.0, 0.0, BATCH_SIZE);
  }

  /** How many rows and documents the dispatcher writes: distinct entities per batch. */
  private static int newestPerBatch(List<ProductCommand> commands) {
    int writes = 0;
    for (int start = 0; start < commands.size(); start += BATCH_SIZE) {
      Set<String> ids = new HashSet<>();
      for (ProductCommand command : commands.subList(start, Math.min(commands.size(), start + BATCH_SIZE))) {
        ids.add(command.id());
      }
      writes += ids.size();
    }
    return writes;
  }

  @Override
  public void close() {
    // The handler's connections belong to its container, which lives as long as the JVM, as in Lambda.
  }
}
