package io.cqrssuite.migrations;

import com.adobe.testing.s3mock.S3MockApplication;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.reconcile.ReconcileTarget;
import io.cqrssuite.sync.ChangeSelector;
import io.cqrssuite.sync.rds.PasswordSource;
import io.cqrssuite.sync.rds.RdsColumn;
import io.cqrssuite.sync.rds.RdsColumnType;
import io.cqrssuite.sync.rds.RdsConnections;
import io.cqrssuite.sync.rds.RdsReconcileTarget;
import io.cqrssuite.sync.rds.RdsSchema;
import io.cqrssuite.sync.rds.RdsSyncHandler;
import io.cqrssuite.sync.rds.RdsTableMapping;
import io.cqrssuite.sync.rds.SqlDialect;
import io.cqrssuite.testing.aws.S3MockServer;
import io.cqrssuite.testing.engine.SqlEngine;
import io.cqrssuite.testing.engine.TestEngines;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The migration tests' world: one of the engines (PostgreSQL or MariaDB, each test on a database of its own) migrated
 * to the base schema ({@code db/test/base}) and holding {@link #ROWS} items written by the live sync, and S3Mock as the
 * backup bucket. A scenario's migrations are {@code db/test/<scenario>/<dialect>}.
 */
abstract class MigrationFixture {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String BUCKET = "schema-backups-test";
  /** The backups' KMS key, by id: S3Mock registers keys by ARN and checks the id a request names. */
  static final String KMS_KEY = "0b8a6a4e-5f1c-4c44-9d3e-2f3d0c7d1a11";
  static final int ROWS = 20;
  private static final String[] PROPERTIES = {"aws.accessKeyId", "aws.secretAccessKey", "org.springframework.boot.logging.LoggingSystem"};
  private static final Map<String, String> saved = new HashMap<>();

  static S3MockApplication s3Server;
  static S3Client s3;

  SqlEngine engine;
  String url;
  SqlDialect dialect;
  RdsConnections connections;
  RdsTableMapping mapping;
  RdsSchema schema;
  RdsSyncHandler sync;
  ReconcileTarget target;
  MigrationSettings settings;

  @BeforeAll
  static void startS3() throws Exception {
    for (String name : PROPERTIES) {
      saved.put(name, System.getProperty(name));
    }
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
    // S3Mock's Spring Boot expects Logback; the suite logs through SLF4J 1.7: keep Boot's logging out.
    System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    s3Server = S3MockServer.start(BUCKET, Files.createTempDirectory("s3mock-migrations"));
    s3Server.registerKMSKeyRef("arn:aws:kms:us-east-1:000000000000:key/" + KMS_KEY);
    AwsClients clients = new AwsClients(AwsSettings.fromEnvironment(Map.of(
        "AWS_ENDPOINT_URL_S3", "http://127.0.0.1:" + s3Server.getHttpPort(), "AWS_REGION", "us-east-1",
        "SUITE_AWS_MAX_ATTEMPTS", "1", "SUITE_AWS_CALL_TIMEOUT_MS", "10000")));
    s3 = clients.configure(S3Client.builder(), "S3").forcePathStyle(true).build();
  }

  @AfterAll
  static void stopS3() {
    if (s3 != null) {
      s3.close();
    }
    if (s3Server != null) {
      s3Server.stop();
    }
    saved.forEach((name, value) -> {
      if (value == null) {
        System.clearProperty(name);
      } else {
        System.setProperty(name, value);
      }
    });
  }

  @AfterEach
  void closeConnections() {
    if (connections != null) {
      connections.close();
    }
  }

  /** A fresh database on {@code engineName} at the base schema, {@link #ROWS} items synced into it. */
  void database(String engineName) throws Exception {
    engine = TestEngines.named(engineName);
    url = engine.createDatabase("mig_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
    dialect = SqlDialect.forJdbcUrl(url);
    // Each test its own prefix: backups of one test never show in another's list.
    settings = new MigrationSettings(
        BUCKET, "t-" + UUID.randomUUID() + "/", null, Duration.ofDays(30), Duration.ofSeconds(1), Duration.ofSeconds(60), 3,
        Duration.ofMillis(50));
    flyway().migrate(FlywayMigration.AttemptListener.none());
    connections = new RdsConnections(dialect, url, engine.user(), PasswordSource.fixed(engine.password()));
    mapping = new RdsTableMapping(
        "item",
        List.of(RdsColumn.of("name", "name", RdsColumnType.TEXT), RdsColumn.of("price", "price", RdsColumnType.BIGINT)),
        new ChangeSelector.PkPrefix("ITEM#"));
    schema = new RdsSchema(connections, List.of(mapping));
    sync = new RdsSyncHandler(connections, schema, Clock.systemUTC());
    target = RdsReconcileTarget.of(connections, schema, sync, Clock.systemUTC()).get(0);
    List<ChangeRecord> changes = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      changes.add(change("I-" + i, 3, "item " + i, 100 + i));
    }
    assertAllSucceeded(target.sync(changes));
  }

  static void assertAllSucceeded(List<io.cqrssuite.sync.SyncOutcome> outcomes) {
    org.assertj.core.api.Assertions.assertThat(outcomes).allMatch(io.cqrssuite.sync.SyncOutcome::succeeded);
  }

  ChangeRecord change(String code, long version, String name, long price) {
    ObjectNode image = JSON.createObjectNode().put("pk", "ITEM#acme").put("sk", code).put("name", name).put("price", price);
    return new ChangeRecord("items", "ITEM#acme", code, ChangeRecord.idOf("ITEM#acme", code), version, false, image);
  }

  /** Flyway over the base schema and, when given, a scenario's migrations. */
  FlywayMigration flyway(String... scenario) {
    List<String> locations = new ArrayList<>(List.of("classpath:db/test/base/" + dialect.name()));
    for (String s : scenario) {
      locations.add("classpath:db/test/" + s + "/" + dialect.name());
    }
    return new FlywayMigration(url, engine.user(), PasswordSource.fixed(engine.password()), dialect, locations, settings);
  }

  BackupStore backups(MigrationSettings with) {
    return new BackupStore(s3, with, connections, JSON, Clock.systemUTC());
  }

  Connection connect() throws Exception {
    return DriverManager.getConnection(url, engine.user(), engine.password());
  }

  long scalar(String sql) throws Exception {
    try (Connection connection = connect(); Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  List<String> columns(String table) throws Exception {
    List<String> names = new ArrayList<>();
    String current = dialect.name().equals("postgresql") ? "current_schema()" : "DATABASE()";
    try (Connection connection = connect(); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT column_name FROM information_schema.columns WHERE table_schema = "
            + current + " AND table_name = '" + table + "' ORDER BY ordinal_position")) {
      while (rows.next()) {
        names.add(rows.getString(1).toLowerCase(java.util.Locale.ROOT));
      }
    }
    return names;
  }

  /** Every row of item as text, ordered by id: what a restore must bring back exactly. */
  List<String> itemRows() throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection connection = connect(); Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT id, pk, code, name, price, version, is_deleted, synced_at FROM item ORDER BY id")) {
      while (result.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= 7; i++) {
          row.append(result.getString(i)).append('|');
        }
        // The value, not the driver's text: MariaDB's driver pads a DATETIME(3)'s fraction by the result's metadata.
        row.append(result.getTimestamp(8).toInstant());
        rows.add(row.toString());
      }
    }
    return rows;
  }
}
