package io.cqrssuite.verification.workload;

import io.cqrssuite.fixtures.ProductTables;
import io.cqrssuite.fixtures.SampleEvents;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.catalog.function.CatalogHandler;
import io.cqrssuite.testing.engine.PostgresEngine;
import io.cqrssuite.testing.engine.TestEngines;
import io.cqrssuite.sync.opensearch.OpenSearchClients;
import io.cqrssuite.sync.opensearch.OpenSearchIndexes;
import io.cqrssuite.sync.opensearch.OpenSearchSettings;
import io.cqrssuite.sync.rds.PasswordSource;
import io.cqrssuite.sync.rds.SchemaMigrations;
import io.cqrssuite.sync.rds.SqlDialect;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The main job's oracle: a workload synced through EventFactoryFunction's handler into PostgreSQL and OpenSearch
 * checks clean, and the check catches a read model that drifted (a row at an older version, a tombstone made
 * visible, a document gone, a delete without its tombstone, any mapped field changed).
 */
class ReadModelCheckTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static String jdbcUrl;
  private static String index;
  private static String endpoint;
  private static ExpectedState expected;

  private static Map<String, String> env;

  @BeforeAll
  static void syncAWorkload() throws Exception {
    PostgresEngine postgres = TestEngines.postgres();
    jdbcUrl = postgres.createDatabase("check_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8));
    new SchemaMigrations(jdbcUrl, postgres.user(), PasswordSource.fixed(postgres.password()))
        .migrate(SchemaMigrations.classpathLocation(SqlDialect.forJdbcUrl(jdbcUrl)));
    endpoint = TestEngines.openSearch().endpoint().toString().replaceAll("/+$", "");
    index = "chk" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    env =
        Map.of(
            "AWS_REGION", "us-east-1",
            "SUITE_LOG_LEVEL", "ERROR",
            "SUITE_RDS_URL", jdbcUrl,
            "SUITE_RDS_USER", postgres.user(),
            "SUITE_RDS_PASSWORD", postgres.password(),
            "SUITE_OPENSEARCH_ENDPOINT", endpoint,
            "SUITE_OPENSEARCH_INDEX", index,
            "SUITE_OPENSEARCH_TEMPLATE", "opensearch/products-template.json",
            "SUITE_TABLE_MAPPINGS", ProductTables.CONFIG);
    OpenSearchSettings search = OpenSearchSettings.fromEnvironment(env).orElseThrow();
    new OpenSearchIndexes(OpenSearchClients.create(search, "us-east-1"), search.indexNames(), OpenSearchIndexes.template(search.templateResource()))
        .ensure();

    WorkloadOptions options = WorkloadOptions.defaults().withEntities(120).withVersions(4).withSeed(11);
    List<ProductCommand> log = ProductWorkloadGenerator.generate(options);
    expected = ExpectedState.of(log);
    CatalogHandler handler = new CatalogHandler(env);
    for (byte[] batch : StreamDeliveries.batches(new StreamDeliveries("dev-catalog-product-command").records(log, options), 100)) {
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      handler.handleRequest(new ByteArrayInputStream(batch), response, null);
      assertThat(JSON.readTree(response.toByteArray()).path("batchItemFailures")).isEmpty();
    }
  }

  @Test
  void theScheduleTickPurgesBothReadModelsAndKeepsFreshTombstones() throws Exception {
    var outcome =
        io.cqrssuite.catalog.function.CatalogComponent.create(env)
            .entrypoint()
            .handle(java.nio.file.Files.newInputStream(Path.of(SampleEvents.repositoryRoot().toString(), "events", "eventbridge", "scheduled.json")));
    assertThat(outcome.failed()).as(String.valueOf(outcome.error())).isFalse();
    var result = (io.cqrssuite.bus.HandlerOutcome.Succeeded) outcome.batch().records().get(0).dispatches().get(0).outcomes().get(0);
    @SuppressWarnings("unchecked")
    Map<String, Long> purged = (Map<String, Long>) ((Map<String, Object>) result.result()).get("tombstonesPurged");
    assertThat(purged).containsOnlyKeys("rds", "opensearch").allSatisfy((target, count) -> assertThat(count).isZero());
  }

  @Test
  void aCleanSyncHasNoMismatchesAndTheDriftedOneIsCaught() throws Exception {
    ReadModelCheck.Report rows = ReadModelCheck.relational(jdbcUrl, TestEngines.postgres().user(), TestEngines.postgres().password(), expected);
    ReadModelCheck.Report documents = ReadModelCheck.search(endpoint, index, index + "-write", expected);
    assertThat(rows.mismatches()).as(rows.examples().toString()).isZero();
    assertThat(documents.mismatches()).as(documents.examples().toString()).isZero();
    assertThat(rows.visible()).isEqualTo(expected.alive());
    assertThat(documents.visible()).isEqualTo(expected.alive());
    assertThat(rows.stored()).isEqualTo(expected.entities().size());

    String alive = expected.entities().values().stream().filter(e -> !e.deleted()).findFirst().orElseThrow().id();
    String deleted = expected.entities().values().stream().filter(ExpectedState.Entry::deleted).findFirst().orElseThrow().id();
    try (Connection connection = DriverManager.getConnection(jdbcUrl, TestEngines.postgres().user(), TestEngines.postgres().password());
        Statement statement = connection.createStatement()) {
      statement.executeUpdate("UPDATE product SET version = version - 1 WHERE id = '" + alive + "'");
      statement.executeUpdate("UPDATE product SET is_deleted = false WHERE id = '" + deleted + "'");
    }
    HttpResponse<String> gone =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(endpoint + "/" + index + "-write/_doc/" + java.net.URLEncoder.encode(alive, "UTF-8"))).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(gone.statusCode()).as(gone.body()).isEqualTo(200);

    ReadModelCheck.Report driftedRows = ReadModelCheck.relational(jdbcUrl, TestEngines.postgres().user(), TestEngines.postgres().password(), expected);
    ReadModelCheck.Report driftedDocuments = ReadModelCheck.search(endpoint, index, index + "-write", expected);
    assertThat(driftedRows.mismatches()).isEqualTo(2);
    assertThat(driftedRows.stale()).isEqualTo(1);
    assertThat(driftedRows.resurrected()).isEqualTo(1);
    assertThat(driftedRows.lost()).isZero();
    assertThat(driftedRows.examples()).anySatisfy(e -> assertThat(e).contains(alive).contains("expected v"))
        .anySatisfy(e -> assertThat(e).contains(deleted).contains("deleted at"));
    assertThat(driftedDocuments.mismatches()).isEqualTo(1);
    assertThat(driftedDocuments.lost()).isEqualTo(1);
    assertThat(driftedDocuments.stale() + driftedDocuments.resurrected()).isZero();
    assertThat(driftedDocuments.examples()).singleElement().satisfies(e -> assertThat(e).contains(alive).contains("missing"));
  }

  @Test
  void aDeleteLeftWithoutItsTombstoneAndAnyChangedFieldAreMismatches() throws Exception {
    Map<String, String> engines = FreshReadModels.create("fields");
    Map<String, String> own = new java.util.HashMap<>(env);
    own.putAll(engines);
    WorkloadOptions options = WorkloadOptions.defaults().withEntities(60).withVersions(3).withSeed(13);
    List<ProductCommand> log = ProductWorkloadGenerator.generate(options);
    ExpectedState state = ExpectedState.of(log);
    CatalogHandler handler = new CatalogHandler(own);
    for (byte[] batch : StreamDeliveries.batches(new StreamDeliveries("dev-catalog-product-command").records(log, options), 100)) {
      handler.handleRequest(new ByteArrayInputStream(batch), new ByteArrayOutputStream(), null);
    }
    String url = engines.get("SUITE_RDS_URL");
    String user = engines.get("SUITE_RDS_USER");
    String password = engines.get("SUITE_RDS_PASSWORD");
    String base = engines.get("SUITE_OPENSEARCH_ENDPOINT");
    String alias = engines.get("SUITE_OPENSEARCH_INDEX");
    ReadModelCheck.Report rows = ReadModelCheck.relational(url, user, password, state);
    ReadModelCheck.Report documents = ReadModelCheck.search(base, alias, alias + "-write", state);
    assertThat(rows.mismatches()).as(rows.examples().toString()).isZero();
    assertThat(documents.mismatches()).as(documents.examples().toString()).isZero();
    assertThat(rows.stored()).isEqualTo(state.entities().size());
    assertThat(documents.stored()).isEqualTo(state.entities().size());

    // What the old check let through: a delete that removed the entity instead of leaving its tombstone, and
    // fields it never looked at.
    List<ExpectedState.Entry> alive = state.entities().values().stream().filter(e -> !e.deleted()).sorted(java.util.Comparator.comparing(ExpectedState.Entry::id)).toList();
    String deleted = state.entities().values().stream().filter(ExpectedState.Entry::deleted).findFirst().orElseThrow().id();
    String retagged = alive.get(0).id();
    String reshaped = alive.get(1).id();
    try (Connection connection = DriverManager.getConnection(url, user, password);
        Statement statement = connection.createStatement()) {
      statement.executeUpdate("DELETE FROM product WHERE id = '" + deleted + "'");
      statement.executeUpdate("UPDATE product SET tags = '[\"mutant\"]' WHERE id = '" + retagged + "'");
      statement.executeUpdate("UPDATE product SET attributes = '{}', updated_at = updated_at + interval '1 second' WHERE id = '" + reshaped + "'");
    }
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> gone =
        http.send(HttpRequest.newBuilder(URI.create(base + "/" + alias + "-write/_doc/" + java.net.URLEncoder.encode(deleted, "UTF-8"))).DELETE().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(gone.statusCode()).as(gone.body()).isEqualTo(200);
    com.fasterxml.jackson.databind.node.ObjectNode document = (com.fasterxml.jackson.databind.node.ObjectNode) ProductDocument.live(alive.get(0));
    document.putArray("tags").add("mutant");
    HttpResponse<String> rewritten =
        http.send(HttpRequest.newBuilder(URI.create(base + "/" + alias + "-write/_doc/" + java.net.URLEncoder.encode(retagged, "UTF-8") + "?version="
                    + alive.get(0).version() + "&version_type=external_gte"))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(document))).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(rewritten.statusCode()).as(rewritten.body()).isLessThan(300);

    ReadModelCheck.Report driftedRows = ReadModelCheck.relational(url, user, password, state);
    ReadModelCheck.Report driftedDocuments = ReadModelCheck.search(base, alias, alias + "-write", state);
    assertThat(driftedRows.mismatches()).as(driftedRows.examples().toString()).isEqualTo(3);
    assertThat(driftedRows.lost() + driftedRows.stale() + driftedRows.resurrected()).isZero();
    assertThat(driftedRows.examples())
        .anySatisfy(e -> assertThat(e).contains(deleted).contains("no tombstone"))
        .anySatisfy(e -> assertThat(e).contains(retagged).endsWith("[tags]"))
        .anySatisfy(e -> assertThat(e).contains(reshaped).endsWith("[updated_at, attributes]"));
    assertThat(driftedDocuments.mismatches()).as(driftedDocuments.examples().toString()).isEqualTo(2);
    assertThat(driftedDocuments.examples())
        .anySatisfy(e -> assertThat(e).contains(deleted).contains("no tombstone"))
        .anySatisfy(e -> assertThat(e).contains(retagged).endsWith("[tags]"));
  }
}
