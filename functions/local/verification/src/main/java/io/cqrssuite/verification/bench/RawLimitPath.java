package io.cqrssuite.verification.bench;

import io.cqrssuite.verification.workload.ProductCommand;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What the engines can take from one writer with no framework in between: a bare JDBC batch of the same guarded
 * upsert ({@code chunk} rows, one transaction each) and a bare {@code _bulk} of the same documents ({@code chunk}
 * actions, external versions, tombstones with {@code external_gte}), the two targets on two threads. No per-record
 * results: a {@code _bulk} answer is only checked for {@code "errors":false}. The baseline the suite is measured
 * against, at each batch size the suite is: {@code chunk} is the suite's batch size.
 */
final class RawLimitPath implements SyncPath {
  private final BenchReadModels readModels;
  private final GuardedUpsert upsert;
  private final Connection connection;
  private final int chunk;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final ExecutorService targets =
      Executors.newFixedThreadPool(
          2,
          r -> {
            Thread thread = new Thread(r, "bench-raw");
            thread.setDaemon(true);
            return thread;
          });

  RawLimitPath(BenchReadModels readModels, GuardedUpsert upsert, int chunk) throws SQLException {
    this.readModels = readModels;
    this.upsert = upsert;
    this.chunk = chunk;
    this.connection = readModels.connect();
    this.connection.setAutoCommit(false);
  }

  @Override
  public String name() {
    return "raw limit";
  }

  @Override
  public String description() {
    return "JDBC batches of " + chunk + " | _bulk of " + chunk + ", two threads, no framework";
  }

  @Override
  public Timing write(List<ProductCommand> commands, Progress progress) throws Exception {
    long started = System.nanoTime();
    Future<Long> rows = targets.submit(() -> writeRows(commands));
    Future<long[]> documents = targets.submit(() -> writeDocuments(commands));
    long sqlNanos = rows.get();
    long[] search = documents.get();
    long nanos = System.nanoTime() - started;
    progress.done(commands.size());
    String detail = String.format("PostgreSQL %.2f s | OpenSearch %.2f s, in parallel", sqlNanos / 1e9, search[0] / 1e9);
    return new Timing(nanos, search[1], detail);
  }

  /** The rows, committed every {@code chunk}; returns the nanoseconds it took. */
  private long writeRows(List<ProductCommand> commands) throws SQLException {
    long started = System.nanoTime();
    try (PreparedStatement statement = connection.prepareStatement(upsert.sql())) {
      for (int start = 0; start < commands.size(); start += chunk) {
        Instant now = Instant.now();
        for (ProductCommand command : commands.subList(start, Math.min(commands.size(), start + chunk))) {
          upsert.bind(statement, command, now);
          statement.addBatch();
        }
        statement.executeBatch();
        connection.commit();
      }
    }
    return System.nanoTime() - started;
  }

  /** The documents, {@code chunk} a request, then a refresh; returns the nanoseconds and the failed requests. */
  private long[] writeDocuments(List<ProductCommand> commands) throws Exception {
    long started = System.nanoTime();
    URI bulk = URI.create(readModels.endpoint() + "/" + readModels.writeAlias() + "/_bulk?require_alias=true");
    long failed = 0;
    for (int start = 0; start < commands.size(); start += chunk) {
      Instant now = Instant.now();
      ByteArrayOutputStream body = new ByteArrayOutputStream(chunk * 512);
      for (ProductCommand command : commands.subList(start, Math.min(commands.size(), start + chunk))) {
        body.write(ProductDocuments.bulkActionLine(command));
        body.write(ProductDocuments.of(command, now));
        body.write('\n');
      }
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(bulk)
                  .header("Content-Type", "application/x-ndjson")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() >= 300 || !response.body().contains("\"errors\":false")) {
        failed++;
      }
    }
    readModels.refresh(http);
    return new long[] {System.nanoTime() - started, failed};
  }

  @Override
  public void close() {
    targets.shutdownNow();
    try {
      connection.close();
    } catch (SQLException e) {
      // A bench connection to an engine about to stop: nothing to keep.
    }
  }
}
