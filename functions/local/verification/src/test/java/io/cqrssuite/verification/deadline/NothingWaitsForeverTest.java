package io.cqrssuite.verification.deadline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.catalog.function.CatalogHandler;
import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.sync.opensearch.OpenSearchClients;
import io.cqrssuite.sync.opensearch.OpenSearchIndexes;
import io.cqrssuite.sync.opensearch.OpenSearchSettings;
import io.cqrssuite.sync.rds.PasswordSource;
import io.cqrssuite.sync.rds.SchemaMigrations;
import io.cqrssuite.sync.rds.SqlDialect;
import io.cqrssuite.testing.engine.OpenSearchEngine;
import io.cqrssuite.testing.engine.SqlEngine;
import io.cqrssuite.testing.engine.TestEngines;
import io.cqrssuite.testing.lambda.FunctionSpec;
import io.cqrssuite.testing.lambda.LocalContext;
import io.cqrssuite.verification.chaos.FaultPlan;
import io.cqrssuite.verification.chaos.TcpFaultProxy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Nothing the sync waits on can run an invocation into Lambda's timeout (issue: "nothing waits forever"). The
 * catalog function, as deployed, syncs a DynamoDB stream batch of three products with a Lambda timeout of
 * {@value #TIMEOUT_SECONDS} s, while its read model:
 *
 * <ul>
 *   <li>sits behind a TCP relay that stops forwarding anything (a half-open connection: the socket stays open, no
 *       byte ever comes back), on PostgreSQL, on MariaDB and for OpenSearch;
 *   <li>has its table locked by another session (PostgreSQL {@code LOCK TABLE}, MariaDB {@code LOCK TABLES}).
 * </ul>
 *
 * Each time the invocation answers with every record in {@code batchItemFailures} (transient: a redelivery
 * succeeds) before the timeout, with at least the time kept to answer still left. Without the per-invocation
 * timeouts the first case waited for the driver's socket (forever on PostgreSQL) and the second for the lock.
 */
class NothingWaitsForeverTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FIRST_RECORD = "7730001200000000031213886219";
  private static final int TIMEOUT_SECONDS = 8;
  /** A stall longer than any test: the relay holds every byte. */
  private static final FaultPlan HALF_OPEN = new FaultPlan(0, 0, 1.0, 600_000, 0, 7);
  private static final FunctionSpec SPEC =
      new FunctionSpec("EventFactoryFunction", CatalogHandler.class.getName(), TIMEOUT_SECONDS, 1024, Map.of());

  private static byte[] batch() throws Exception {
    return Files.readAllBytes(SampleEvents.repositoryRoot().resolve("events/dynamodb/product-data-changes.json"));
  }

  /** A fresh, migrated database on the engine, and the variables that reach it through {@code port}. */
  private static Map<String, String> database(SqlEngine engine, int port) throws Exception {
    String url = engine.createDatabase("waits_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10));
    new SchemaMigrations(url, engine.user(), PasswordSource.fixed(engine.password()))
        .migrate(SchemaMigrations.classpathLocation(SqlDialect.forJdbcUrl(url)));
    URI direct = URI.create(url.substring("jdbc:".length()));
    Map<String, String> env = base();
    env.put("SUITE_RDS_URL", "jdbc:" + direct.getScheme() + "://127.0.0.1:" + port + direct.getRawPath()
        + (direct.getRawQuery() == null ? "" : "?" + direct.getRawQuery()));
    env.put("SUITE_RDS_USER", engine.user());
    env.put("SUITE_RDS_PASSWORD", engine.password());
    env.put("DIRECT_URL", url);
    return env;
  }

  private static Map<String, String> base() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("AWS_REGION", "us-east-1");
    env.put("POWERTOOLS_SERVICE_NAME", "catalog");
    env.put("SUITE_LOG_LEVEL", "INFO");
    env.put("SUITE_UNHANDLED_EVENTS", "fail");
    // The data table of the samples, mapped as the template maps it.
    env.put(
        "SUITE_TABLE_MAPPINGS",
        "[{\"table\": \"dev-catalog-product-data\", \"entities\": [{\"type\": \"product\", \"key\": \"pk,sk\","
            + " \"code\": \"whole\", \"version\": \"version\"}], \"removes\": \"delete\", \"deletedFlag\": \"isDeleted\"}]");
    return env;
  }

  private static int port(String jdbcUrl) {
    return URI.create(jdbcUrl.substring("jdbc:".length())).getPort();
  }

  /** One invocation, as Lambda makes it: the response, and the time the context had left when it came. */
  private record Answer(List<String> failed, long remainingMillis) {}

  private static Answer invoke(CatalogHandler handler, byte[] event) throws Exception {
    LocalContext context = new LocalContext(SPEC);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(event), out, context);
    long left = context.getRemainingTimeInMillis();
    JsonNode response = JSON.readTree(out.toByteArray());
    return new Answer(response.path("batchItemFailures").findValuesAsText("itemIdentifier"), left);
  }

  private static Answer invokeInTime(CatalogHandler handler, byte[] event) {
    // A bound for the test only: without the fix the invocation would hang far beyond Lambda's timeout.
    return assertTimeoutPreemptively(Duration.ofSeconds(TIMEOUT_SECONDS * 4), () -> invoke(handler, event));
  }

  private static void assertAnsweredInTime(Answer answer) {
    // A stream batch reports its first failed record: the checkpoint, from which all three are redelivered.
    assertThat(answer.failed()).as("every record reported failed, none lost").containsExactly(FIRST_RECORD);
    assertThat(answer.remainingMillis())
        .as("answered before Lambda's %d s timeout, with the margin (at least 2 s) still left", TIMEOUT_SECONDS)
        .isGreaterThanOrEqualTo(1_500);
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void aHalfOpenConnectionFailsTheRecordsBeforeTheTimeout(String engineName) throws Exception {
    SqlEngine engine = TestEngines.named(engineName);
    try (TcpFaultProxy relay = TcpFaultProxy.start("127.0.0.1", port(engine.jdbcUrl()), FaultPlan.none())) {
      Map<String, String> env = database(engine, relay.port());
      CatalogHandler handler = new CatalogHandler(env);
      assertThat(invokeInTime(handler, batch()).failed()).as("healthy first: the pool keeps a live connection").isEmpty();

      relay.plan(HALF_OPEN);
      assertAnsweredInTime(invokeInTime(handler, batch()));

      relay.plan(FaultPlan.none());
      assertThat(invokeInTime(handler, batch()).failed()).as("redelivered once the path is back").isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void aTableLockedByAnotherSessionFailsTheRecordsBeforeTheTimeout(String engineName) throws Exception {
    SqlEngine engine = TestEngines.named(engineName);
    Map<String, String> env = database(engine, port(engine.jdbcUrl()));
    CatalogHandler handler = new CatalogHandler(env);
    try (Connection other = DriverManager.getConnection(env.get("DIRECT_URL"), engine.user(), engine.password())) {
      other.setAutoCommit(false);
      try (Statement lock = other.createStatement()) {
        lock.execute(
            engineName.equals("postgresql") ? "LOCK TABLE product IN ACCESS EXCLUSIVE MODE" : "LOCK TABLES product WRITE");
        assertAnsweredInTime(invokeInTime(handler, batch()));
        lock.execute(engineName.equals("postgresql") ? "ROLLBACK" : "UNLOCK TABLES");
      }
    }
    assertThat(invokeInTime(handler, batch()).failed()).as("redelivered once the lock is released").isEmpty();
    try (Connection reader = DriverManager.getConnection(env.get("DIRECT_URL"), engine.user(), engine.password());
        Statement count = reader.createStatement();
        ResultSet rows = count.executeQuery("SELECT COUNT(*) FROM product")) {
      rows.next();
      assertThat(rows.getLong(1)).isEqualTo(3);
    }
  }

  @Test
  void aHalfOpenConnectionToOpenSearchFailsTheRecordsBeforeTheTimeout() throws Exception {
    OpenSearchEngine search = TestEngines.openSearch();
    URI endpoint = search.endpoint();
    try (TcpFaultProxy relay = TcpFaultProxy.start("127.0.0.1", endpoint.getPort(), FaultPlan.none())) {
      Map<String, String> env = base();
      env.put("SUITE_OPENSEARCH_ENDPOINT", "http://127.0.0.1:" + relay.port());
      env.put("SUITE_OPENSEARCH_SIGV4", "false");
      env.put("SUITE_OPENSEARCH_INDEX", "waits" + UUID.randomUUID().toString().replace("-", "").substring(0, 8));
      env.put("SUITE_OPENSEARCH_TEMPLATE", "opensearch/products-template.json");
      OpenSearchSettings settings = OpenSearchSettings.fromEnvironment(env).orElseThrow();
      new OpenSearchIndexes(
              OpenSearchClients.create(settings, "us-east-1"), settings.indexNames(),
              OpenSearchIndexes.template(settings.templateResource()))
          .ensure();
      CatalogHandler handler = new CatalogHandler(env);
      assertThat(invokeInTime(handler, batch()).failed()).isEmpty();

      relay.plan(HALF_OPEN);
      assertAnsweredInTime(invokeInTime(handler, batch()));

      relay.plan(FaultPlan.none());
      assertThat(invokeInTime(handler, batch()).failed()).isEmpty();
    }
  }

}
