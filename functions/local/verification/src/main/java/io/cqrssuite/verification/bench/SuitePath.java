package io.cqrssuite.verification.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.catalog.function.CatalogHandler;
import io.cqrssuite.verification.workload.ProductCommand;
import io.cqrssuite.verification.workload.StreamDeliveries;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The suite as deployed: the commands as DynamoDB-stream records in log order, delivered in batches of the mapping's
 * size to {@code EventFactoryFunction}'s handler, whose dispatcher keeps the newest version per entity of each batch
 * and writes it to PostgreSQL and OpenSearch in parallel. The handler (one warm container) is shared by every batch
 * size the bench tries; only {@code handleRequest} is timed, not the building of the event JSON Lambda would send.
 */
final class SuitePath implements SyncPath {
  static final String COMMAND_TABLE = "dev-catalog-product-command";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CatalogHandler handler;
  private final BenchReadModels readModels;
  private final int batchSize;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private long invocations;
  private long handlerNanos;
  private long failures;

  SuitePath(CatalogHandler handler, BenchReadModels readModels, int batchSize) {
    this.handler = handler;
    this.readModels = readModels;
    this.batchSize = batchSize;
  }

  /** The stream records of {@code commands}, in log order, as the mapping reads them from the shard. */
  static List<ObjectNode> records(List<ProductCommand> commands) {
    return new StreamDeliveries(COMMAND_TABLE).records(commands, SyncBench.Options.inOrder(1));
  }

  @Override
  public String name() {
    return "suite";
  }

  @Override
  public String description() {
    return "stream batches of " + batchSize + " -> CatalogHandler -> dispatcher -> PostgreSQL | OpenSearch";
  }

  @Override
  public Timing write(List<ProductCommand> commands, Progress progress) throws Exception {
    List<ObjectNode> records = records(commands);
    long before = failures;
    long started = System.nanoTime();
    for (int start = 0; start < records.size(); start += batchSize) {
      int end = Math.min(records.size(), start + batchSize);
      invoke(records.subList(start, end));
      progress.done(end);
    }
    readModels.refresh(http);
    long nanos = System.nanoTime() - started;
    String detail =
        String.format("%,d of the %,d commands written to each target (newest version per entity in each batch)",
            newestPerBatch(commands), commands.size());
    return new Timing(nanos, failures - before, detail);
  }

  /**
   * One invocation with {@code batch} as its event: returns how long {@code handleRequest} took. Records the handler
   * reports failed are counted ({@link #failures()}).
   */
  long invoke(List<ObjectNode> batch) throws IOException {
    byte[] event = StreamDeliveries.event(batch);
    ByteArrayOutputStream response = new ByteArrayOutputStream(64);
    long started = System.nanoTime();
    handler.handleRequest(new ByteArrayInputStream(event), response, null);
    long nanos = System.nanoTime() - started;
    invocations++;
    handlerNanos += nanos;
    failures += JSON.readTree(response.toByteArray()).path("batchItemFailures").size();
    return nanos;
  }

  /** The mean size of the event JSON Lambda would send for batches of {@code batchSize} of {@code records}. */
  static double averageEventBytes(List<ObjectNode> records, int batchSize) {
    long bytes = 0;
    int events = 0;
    for (int start = 0; start < records.size(); start += batchSize) {
      bytes += StreamDeliveries.event(records.subList(start, Math.min(records.size(), start + batchSize))).length;
      events++;
    }
    return events == 0 ? 0 : (double) bytes / events;
  }

  /** Invocations so far, and the time spent inside {@code handleRequest} by them. */
  long invocations() {
    return invocations;
  }

  long handlerNanos() {
    return handlerNanos;
  }

  long failures() {
    return failures;
  }

  /** How many rows and documents the dispatcher writes: distinct entities per batch. */
  private int newestPerBatch(List<ProductCommand> commands) {
    int writes = 0;
    for (int start = 0; start < commands.size(); start += batchSize) {
      Set<String> ids = new HashSet<>();
      for (ProductCommand command : commands.subList(start, Math.min(commands.size(), start + batchSize))) {
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
