package io.cqrssuite.verification.bench;

import io.cqrssuite.verification.workload.ProductCommand;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * The per-document sync most hand-written dual writes start as: for each command,
 * one autocommitted guarded upsert, then one {@code PUT /<alias>/_doc/<id>?refresh=true} (a delete:
 * {@code DELETE ...?refresh=true}, a missing document ignored), one after the other. OpenSearch versions are its
 * own here (no external version), so the index is right only for in-order input, which is what the bench gives it.
 * The statement is prepared once and the HTTP client kept, which is kinder than many such syncs are.
 */
final class NaivePath implements SyncPath {
  private final BenchReadModels readModels;
  private final GuardedUpsert upsert;
  private final Connection connection;
  private final PreparedStatement statement;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  NaivePath(BenchReadModels readModels, GuardedUpsert upsert) throws SQLException {
    this.readModels = readModels;
    this.upsert = upsert;
    this.connection = readModels.connect();
    this.connection.setAutoCommit(true);
    this.statement = connection.prepareStatement(upsert.sql());
  }

  @Override
  public String name() {
    return "naive";
  }

  @Override
  public String description() {
    return "per command: autocommitted upsert, then PUT/DELETE _doc ?refresh=true";
  }

  @Override
  public Timing write(List<ProductCommand> commands, Progress progress) throws Exception {
    String documents = readModels.endpoint() + "/" + readModels.writeAlias() + "/_doc/";
    long sqlNanos = 0;
    long httpNanos = 0;
    long failures = 0;
    long started = System.nanoTime();
    for (int i = 0; i < commands.size(); i++) {
      ProductCommand command = commands.get(i);
      long t0 = System.nanoTime();
      upsert.bind(statement, command, Instant.now());
      statement.executeUpdate();
      long t1 = System.nanoTime();
      URI uri = URI.create(documents + URLEncoder.encode(command.id(), StandardCharsets.UTF_8) + "?refresh=true");
      HttpRequest request =
          command.deleted()
              ? HttpRequest.newBuilder(uri).DELETE().build()
              : HttpRequest.newBuilder(uri)
                  .header("Content-Type", "application/json")
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(ProductDocuments.live(command)))
                  .build();
      int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      if (status >= 300 && !(command.deleted() && status == 404)) {
        failures++;
      }
      long t2 = System.nanoTime();
      sqlNanos += t1 - t0;
      httpNanos += t2 - t1;
      progress.done(i + 1);
    }
    readModels.refresh(http);
    long nanos = System.nanoTime() - started;
    String detail = String.format("PostgreSQL %.2f s + OpenSearch %.2f s, one after the other", sqlNanos / 1e9, httpNanos / 1e9);
    return new Timing(nanos, failures, detail);
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      // A bench connection to an engine about to stop: nothing to keep.
    }
  }
}
