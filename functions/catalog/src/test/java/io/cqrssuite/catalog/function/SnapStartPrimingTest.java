package io.cqrssuite.catalog.function;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.fixtures.ProductTables;
import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.snapshot.SnapStartPriming;
import io.cqrssuite.sync.opensearch.OpenSearchClients;
import io.cqrssuite.sync.opensearch.OpenSearchIndexes;
import io.cqrssuite.sync.opensearch.OpenSearchSettings;
import io.cqrssuite.sync.rds.PasswordSource;
import io.cqrssuite.sync.rds.SchemaMigrations;
import io.cqrssuite.sync.rds.SqlDialect;
import io.cqrssuite.testing.engine.PostgresEngine;
import io.cqrssuite.testing.engine.TestEngines;
import io.cqrssuite.testing.polling.Eventually;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * EventFactoryFunction's SnapStart hook against the real read models (embedded PostgreSQL and OpenSearch): after
 * {@code beforeCheckpoint} the function holds no connection to either (PostgreSQL's own {@code pg_stat_activity},
 * and this JVM's TCP sockets as the kernel lists them), priming itself opens none, and after {@code afterRestore}
 * the function reconnects and syncs. Lambda calls the hooks through CRaC; without a CRaC JVM the test calls them.
 */
class SnapStartPrimingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CLOSING = Duration.ofSeconds(10);
  private static PostgresEngine postgres;
  private static String jdbcUrl;
  private static String database;
  private static URI openSearch;
  private static String index;
  private static Map<String, String> env;

  @BeforeAll
  static void start() throws Exception {
    postgres = TestEngines.postgres();
    database = "snap_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    jdbcUrl = postgres.createDatabase(database);
    new SchemaMigrations(jdbcUrl, postgres.user(), PasswordSource.fixed(postgres.password()))
        .migrate(SchemaMigrations.classpathLocation(SqlDialect.forJdbcUrl(jdbcUrl)));
    openSearch = TestEngines.openSearch().endpoint();
    index = "snap" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    env = new HashMap<>();
    env.put("AWS_REGION", "us-east-1");
    env.put("SUITE_LOG_LEVEL", "ERROR");
    env.put("SUITE_TABLE_MAPPINGS", ProductTables.CONFIG);
    env.put("SUITE_RDS_URL", jdbcUrl);
    env.put("SUITE_RDS_USER", postgres.user());
    env.put("SUITE_RDS_PASSWORD", postgres.password());
    env.put("SUITE_OPENSEARCH_ENDPOINT", openSearch.toString().replaceAll("/+$", ""));
    env.put("SUITE_OPENSEARCH_INDEX", index);
    env.put("SUITE_OPENSEARCH_TEMPLATE", "opensearch/products-template.json");
    OpenSearchSettings search = OpenSearchSettings.fromEnvironment(env).orElseThrow();
    var setup = OpenSearchClients.create(search, "us-east-1");
    try {
      new OpenSearchIndexes(setup, search.indexNames(), OpenSearchIndexes.template(search.templateResource())).ensure();
    } finally {
      setup._transport().close();
    }
  }

  @Test
  void afterBeforeCheckpointNoConnectionIsHeldAndAfterRestoreTheFunctionSyncsAgain() throws Exception {
    Set<Long> before = engineSockets();
    int sessions = poolConnections();
    CatalogHandler handler = new CatalogHandler(env);
    invoke(handler, SampleEvents.bytes("dynamodb/product-data-changes.json"));
    // The batch went through both read models: the pool and the OpenSearch client hold connections now.
    assertThat(poolConnections()).isGreaterThan(sessions);
    assertThat(newSockets(before)).as("sockets from this JVM to the engines after a batch").isNotEmpty();

    SnapStartPriming hook = handler.snapStartPriming();
    hook.beforeCheckpoint(null);

    Eventually.await("no socket from this JVM to PostgreSQL or OpenSearch", CLOSING, () -> newSockets(before).isEmpty());
    assertThat(poolConnections()).as("sessions in pg_stat_activity").isEqualTo(sessions);

    hook.afterRestore(null);
    invoke(handler, insertOf("P-777"));
    assertThat(productVersion("PRODUCT#acme#P-777")).isEqualTo(1);
    assertThat(documentFound("PRODUCT#acme#P-777")).isTrue();
  }

  @Test
  void primingDecodesEverySourceAndOpensNoConnection() throws Exception {
    Set<Long> before = engineSockets();
    int sessions = poolConnections();
    CatalogHandler handler = new CatalogHandler(env);

    // Every synthetic delivery decodes through the catalog's own routing.
    assertThat(handler.snapStartPriming().prime()).isEqualTo(SnapStartPriming.SYNTHETIC.size());
    handler.snapStartPriming().beforeCheckpoint(null);

    assertThat(newSockets(before)).as("sockets opened by priming").isEmpty();
    assertThat(poolConnections()).as("sessions in pg_stat_activity").isEqualTo(sessions);
  }

  private static void invoke(CatalogHandler handler, byte[] event) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(event), out, null);
    JsonNode response = JSON.readTree(out.toString(StandardCharsets.UTF_8));
    assertThat(response.path("batchItemFailures")).as("batch item failures").isEmpty();
  }

  /** The sample's first record (an INSERT), for another product at version 1. */
  private static byte[] insertOf(String code) throws IOException {
    ObjectNode event = SampleEvents.tree("dynamodb/product-data-changes.json");
    JsonNode first = event.path("Records").get(0).deepCopy();
    event.putArray("Records").add(first);
    ObjectNode dynamodb = (ObjectNode) first.path("dynamodb");
    ((ObjectNode) dynamodb.path("Keys").path("sk")).put("S", code);
    ObjectNode image = (ObjectNode) dynamodb.path("NewImage");
    ((ObjectNode) image.path("sk")).put("S", code);
    ((ObjectNode) image.path("code")).put("S", code);
    ((ObjectNode) image.path("id")).put("S", "PRODUCT#acme#" + code);
    dynamodb.put("SequenceNumber", "900000000000000000001");
    return JSON.writeValueAsBytes(event);
  }

  /** The read model's sessions in PostgreSQL's own view, this query's session left out. */
  private static int poolConnections() throws Exception {
    try (Connection connection = DriverManager.getConnection(jdbcUrl, postgres.user(), postgres.password());
        PreparedStatement count = connection.prepareStatement(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
      count.setString(1, database);
      try (ResultSet rows = count.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    }
  }

  private static long productVersion(String id) throws Exception {
    try (Connection connection = DriverManager.getConnection(jdbcUrl, postgres.user(), postgres.password());
        PreparedStatement select = connection.prepareStatement("SELECT version FROM product WHERE id = ?")) {
      select.setString(1, id);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? rows.getLong(1) : -1;
      }
    }
  }

  private static boolean documentFound(String id) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    URI uri = URI.create(openSearch.toString().replaceAll("/+$", "") + "/" + index + "/_doc/"
        + URLEncoder.encode(id, StandardCharsets.UTF_8));
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200 && JSON.readTree(response.body()).path("found").asBoolean();
  }

  /** The engines' sockets this JVM holds now that it did not hold at {@code before}. */
  private static Set<Long> newSockets(Set<Long> before) throws IOException {
    Set<Long> now = engineSockets();
    now.removeAll(before);
    return now;
  }

  /**
   * The inodes of this JVM's established TCP sockets to PostgreSQL's or OpenSearch's port: the kernel's socket table
   * ({@code /proc/net/tcp}, {@code tcp6}) joined with this process's open files ({@code /proc/self/fd}).
   */
  private static Set<Long> engineSockets() throws IOException {
    Set<Integer> ports = Set.of(postgres.port(), openSearch.getPort());
    Set<Long> ours = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            ours.add(Long.parseLong(target.substring(8, target.length() - 1)));
          }
        } catch (IOException e) {
          // A descriptor closed while listing: not a socket held.
        }
      }
    }
    Set<Long> engines = new HashSet<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path file = Path.of(table);
      if (!Files.isReadable(file)) {
        continue;
      }
      List<String> lines = Files.readAllLines(file);
      for (String line : lines.subList(1, lines.size())) {
        String[] columns = line.trim().split("\\s+");
        String remote = columns[2];
        int port = Integer.parseInt(remote.substring(remote.indexOf(':') + 1), 16);
        long inode = Long.parseLong(columns[9]);
        // 01: ESTABLISHED.
        if ("01".equals(columns[3]) && ports.contains(port) && ours.contains(inode)) {
          engines.add(inode);
        }
      }
    }
    return engines;
  }
}
