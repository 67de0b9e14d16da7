package io.cqrssuite.verification.operations;

import io.cqrssuite.command.CommandSync;
import io.cqrssuite.verification.ProgressLine;
import io.cqrssuite.verification.workload.ExpectedState;
import io.cqrssuite.verification.workload.ProductWorkloadGenerator;
import io.cqrssuite.verification.workload.WorkloadOptions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The embedded default's source: the generated catalog (the run's and the benches' products, three versions each,
 * some deleted at the end) written into the data table as the command side leaves it, one item per product at its
 * last version ({@link CommandSync#dataItem}), deleted ones flagged. Written with {@code BatchWriteItem} from a few
 * threads; this step is timed apart from the operation it feeds, since it measures DynamoDB (here dynalite), not
 * the suite.
 */
public final class SourceLoad {
  private static final int BATCH = 25;
  private static final int THREADS = 4;

  /** What was loaded: the entities, how many are deleted (tombstones), and the time it took. */
  public record Loaded(long entities, long deleted, double seconds) {
    public long perSecond() {
      return Math.round(entities / Math.max(seconds, 1e-9));
    }
  }

  private SourceLoad() {}

  public static Loaded load(DynamoDbClient dynamoDb, String table, int entities, long seed, PrintStream progress) throws Exception {
    long t0 = System.nanoTime();
    WorkloadOptions workload = WorkloadOptions.defaults().withEntities(entities).withVersions(3).withSeed(seed);
    ExpectedState state = ExpectedState.of(ProductWorkloadGenerator.generate(workload));
    List<Map<String, AttributeValue>> items = new ArrayList<>(state.entities().size());
    state.entities().values().forEach(entry -> items.add(CommandSync.dataItem(entry.image())));
    ProgressLine line = ProgressLine.on(progress);
    AtomicLong written = new AtomicLong();
    ExecutorService threads = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int first = t;
        running.add(threads.submit(() -> {
          for (int from = first * BATCH; from < items.size(); from += THREADS * BATCH) {
            write(dynamoDb, table, items.subList(from, Math.min(items.size(), from + BATCH)));
            long done = written.addAndGet(Math.min(BATCH, items.size() - from));
            line.update(() -> String.format("  load: %,d / %,d items into %s", done, items.size(), table));
          }
          return null;
        }));
      }
      for (Future<?> f : running) {
        f.get();
      }
    } finally {
      threads.shutdownNow();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    line.finish(String.format("  load: %,d items into %s in %.2f s", items.size(), table, seconds));
    return new Loaded(items.size(), state.entities().size() - state.alive(), seconds);
  }

  /** One batch, with its unprocessed items sent again until none are left (the service's own back-pressure). */
  private static void write(DynamoDbClient dynamoDb, String table, List<Map<String, AttributeValue>> items) throws InterruptedException {
    List<WriteRequest> requests = new ArrayList<>(items.size());
    items.forEach(item -> requests.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build()));
    Map<String, List<WriteRequest>> pending = Map.of(table, requests);
    for (int attempt = 0; !pending.isEmpty() && !pending.getOrDefault(table, List.of()).isEmpty(); attempt++) {
      if (attempt > 0) {
        Thread.sleep(Math.min(1_000, 20L << Math.min(attempt, 6)));
      }
      Map<String, List<WriteRequest>> request = pending;
      BatchWriteItemResponse response = dynamoDb.batchWriteItem(r -> r.requestItems(request));
      pending = response.unprocessedItems();
    }
  }
}
