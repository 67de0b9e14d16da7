package io.cqrssuite.verification.bench;

import io.cqrssuite.verification.workload.ExpectedState;
import io.cqrssuite.verification.workload.ReadModelCheck;
import io.cqrssuite.sync.opensearch.IndexNames;
import io.cqrssuite.sync.opensearch.OpenSearchClients;
import io.cqrssuite.sync.opensearch.OpenSearchIndexes;
import io.cqrssuite.sync.opensearch.OpenSearchSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * The two read models as every path of the bench sees them: where they are, how to empty them between paths
 * ({@code TRUNCATE} the table; delete the index and let {@link OpenSearchIndexes#ensure()} create it again with its
 * aliases), how to make the last writes searchable, and how they compare with the log ({@link ReadModelCheck}).
 * It empties what it is pointed at, so the bench points it only at engines it started itself.
 */
final class BenchReadModels {
  private final String jdbcUrl;
  private final String user;
  private final String password;
  private final String endpoint;
  private final IndexNames names;
  private final OpenSearchIndexes indexes;
  private final OpenSearchClient client;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private BenchReadModels(Map<String, String> env) {
    this.jdbcUrl = env.get("SUITE_RDS_URL");
    this.user = env.get("SUITE_RDS_USER");
    this.password = env.getOrDefault("SUITE_RDS_PASSWORD", "");
    OpenSearchSettings settings = OpenSearchSettings.fromEnvironment(env).orElseThrow();
    this.endpoint = settings.endpoint().toString().replaceAll("/+$", "");
    this.names = settings.indexNames();
    this.client = OpenSearchClients.create(settings, env.getOrDefault("AWS_REGION", "us-east-1"));
    this.indexes = new OpenSearchIndexes(client, names, OpenSearchIndexes.template(settings.templateResource()));
  }

  /** {@code env} names both engines: {@code SUITE_RDS_URL} (and user, password) and {@code SUITE_OPENSEARCH_ENDPOINT}. */
  static BenchReadModels of(Map<String, String> env) {
    return new BenchReadModels(env);
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl, user, password);
  }

  /** The node's base URL, without a trailing slash. */
  String endpoint() {
    return endpoint;
  }

  String writeAlias() {
    return names.writeAlias();
  }

  /** Empties both read models: no row, no document, the index and its aliases as a deployment creates them. */
  void reset(String table) throws SQLException, IOException {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      statement.execute("TRUNCATE " + table);
    }
    indexes.ensure();
    String current = indexes.currentIndex();
    client.indices().delete(d -> d.index(current));
    indexes.ensure();
  }

  /** Makes every indexed document searchable now instead of at the next refresh interval. */
  void refresh(HttpClient caller) throws IOException, InterruptedException {
    HttpResponse<String> response =
        caller.send(
            HttpRequest.newBuilder(URI.create(endpoint + "/" + names.writeAlias() + "/_refresh"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 300) {
      throw new IOException("POST _refresh -> " + response.statusCode() + ": " + response.body());
    }
  }

  /** Both read models against the state the log must lead to. */
  Check check(ExpectedState expected) throws SQLException, IOException, InterruptedException {
    refresh(http);
    ReadModelCheck.Report rows = ReadModelCheck.relational(jdbcUrl, user, password, expected);
    ReadModelCheck.Report documents = ReadModelCheck.search(endpoint, names.readAlias(), names.writeAlias(), expected);
    return new Check(rows, documents);
  }

  /** What one path left behind. */
  record Check(ReadModelCheck.Report rows, ReadModelCheck.Report documents) {
    long mismatches() {
      return rows.mismatches() + documents.mismatches();
    }
  }
}
