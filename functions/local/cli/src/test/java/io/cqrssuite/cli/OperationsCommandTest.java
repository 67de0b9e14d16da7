package io.cqrssuite.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.cli.Arguments.UsageException;
import io.cqrssuite.command.CommandTables;
import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.testing.aws.LocalDynamoDb;
import io.cqrssuite.testing.aws.S3MockServer;
import com.adobe.testing.s3mock.S3MockApplication;
import java.net.URI;
import io.cqrssuite.verification.LocalReadModels;
import io.cqrssuite.verification.operations.SourceLoad;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code ./suite reconcile} and {@code ./suite resync}: on configured places (dynalite as the source table, an
 * embedded PostgreSQL given by URL as the read model) writes run dry unless {@code --apply}, bad input is refused with
 * nothing changed; and the embedded default generates, loads, syncs and checks on its own.
 */
class OperationsCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final CommandTables TABLES = CommandTables.named("ops-catalog-product");
  private static final int ENTITIES = 60;

  private static LocalDynamoDb dynalite;
  private static LocalReadModels postgres;
  private static SourceLoad.Loaded loaded;

  @TempDir Path temp;

  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

  private static final Map<String, String> savedProperties = new HashMap<>();

  @BeforeAll
  static void places() throws Exception {
    // The SDK reads credentials from the real environment or system properties, not from the CLI's env map.
    for (String name : new String[] {"aws.accessKeyId", "aws.secretAccessKey"}) {
      savedProperties.put(name, System.getProperty(name));
      System.setProperty(name, "local");
    }
    assumeTrue(LocalDynamoDb.cli(shellBase(), SampleEvents.repositoryRoot()).isPresent(), LocalDynamoDb.INSTALL_HINT);
    dynalite = LocalDynamoDb.start(LocalDynamoDb.cli(shellBase(), SampleEvents.repositoryRoot()).orElseThrow());
    dynalite.createTable(TABLES.data(), "pk", "sk");
    loaded = SourceLoad.load(dynalite.client(), TABLES.data(), ENTITIES, 7L, new PrintStream(OutputStream.nullOutputStream()));
    postgres = LocalReadModels.start(SampleEvents.repositoryRoot(), Map.of(), null, Set.of(WriteTargets.RDS));
  }

  @AfterAll
  static void stop() {
    if (postgres != null) {
      postgres.close();
    }
    if (dynalite != null) {
      dynalite.close();
    }
    savedProperties.forEach((name, value) -> {
      if (value == null) {
        System.clearProperty(name);
      } else {
        System.setProperty(name, value);
      }
    });
  }

  @Test
  void onConfiguredPlacesResyncAndHealRunDryUnlessApplied() throws Exception {
    sql("DELETE FROM product");

    JsonNode dry = lastLine(cli(configured(), "resync"), 0);
    assertThat(dry.path("places").asText()).isEqualTo("configured");
    assertThat(dry.path("resync").path("dryRun").asBoolean()).isTrue();
    assertThat(dry.path("resync").path("wouldScan").asLong()).isEqualTo(ENTITIES);
    assertThat(dry.path("resync").path("tombstones").asLong()).isEqualTo(loaded.deleted());
    assertThat(count("SELECT count(*) FROM product")).as("a dry run writes nothing").isZero();

    Path checkpoints = temp.resolve("resync.json");
    JsonNode applied = lastLine(cli(configured(), "resync", "--apply", "--segments", "3", "--checkpoints", checkpoints.toString()), 0);
    assertThat(applied.path("resync").path("complete").asBoolean()).isTrue();
    assertThat(applied.path("resync").path("entities").asLong()).isEqualTo(ENTITIES);
    assertThat(count("SELECT count(*) FROM product")).isEqualTo(ENTITIES);
    assertThat(count("SELECT count(*) FROM product WHERE is_deleted")).isEqualTo(loaded.deleted());
    assertThat(Files.readString(checkpoints)).as("a named checkpoint file is kept").contains("\"done\":true");

    sql("DELETE FROM product WHERE id IN (SELECT id FROM product WHERE NOT is_deleted ORDER BY id LIMIT 2)");
    sql("UPDATE product SET name = 'edited by hand' WHERE id = (SELECT id FROM product WHERE NOT is_deleted ORDER BY id DESC LIMIT 1)");

    JsonNode wouldHeal = lastLine(cli(configured(), "reconcile", "--heal"), 1);
    assertThat(wouldHeal.path("reconcile").path("dryRun").asBoolean()).isTrue();
    assertThat(wouldHeal.path("reconcile").path("wouldHeal").asLong()).isEqualTo(3);
    assertThat(count("SELECT count(*) FROM product")).as("nothing healed without --apply").isEqualTo(ENTITIES - 2);

    Path report = temp.resolve("differences.ndjson");
    JsonNode healed = lastLine(cli(configured(), "reconcile", "--heal", "--apply", "--report", report.toString()), 0);
    assertThat(healed.path("reconcile").path("found").path("lost").asLong()).isEqualTo(2);
    assertThat(healed.path("reconcile").path("found").path("drifted").asLong()).isEqualTo(1);
    assertThat(healed.path("reconcile").path("healed").asLong()).isEqualTo(3);
    assertThat(healed.path("remaining").asLong()).isZero();
    assertThat(count("SELECT count(*) FROM product")).isEqualTo(ENTITIES);
    assertThat(count("SELECT count(*) FROM product WHERE name = 'edited by hand'")).isZero();
    List<String> lines = Files.readAllLines(report);
    assertThat(lines.get(0)).contains("__meta__").contains("sha256");
    assertThat(lines).hasSize(4);
    assertThat(Files.exists(Path.of(report + ".sha256"))).isTrue();

    JsonNode counts = lastLine(cli(configured(), "reconcile", "--mode", "counts"), 0);
    assertThat(counts.path("reconcile").path("countsMatch").asBoolean()).isTrue();
  }

  @Test
  void badInputIsRefusedWithExitTwoAndNothingChanged() throws Exception {
    long before = count("SELECT count(*) FROM product");

    assertRefused(configured(), "unknown table 'no-such-table'", "resync", "--apply", "--table", "no-such-table");
    assertRefused(configured(), "is the command log", "reconcile", "--table", TABLES.command());

    Map<String, String> missingTable = configured();
    missingTable.put("SUITE_COMMAND_TABLE", "gone-catalog-product-command");
    assertRefused(missingTable, "source table gone-catalog-product-data does not exist", "resync", "--apply");

    Map<String, String> unreachable = configured();
    unreachable.put("SUITE_RDS_URL", "jdbc:postgresql://127.0.0.1:9/nowhere?connectTimeout=2");
    assertRefused(unreachable, "cannot be used", "resync", "--apply");

    Map<String, String> unreachableSearch = configured();
    unreachableSearch.put("SUITE_OPENSEARCH_ENDPOINT", "http://127.0.0.1:9");
    unreachableSearch.put("SUITE_OPENSEARCH_INDEX", "products");
    unreachableSearch.put("SUITE_OPENSEARCH_SIGV4", "false");
    assertRefused(unreachableSearch, "OpenSearch at http://127.0.0.1:9 cannot be reached", "reconcile", "--heal", "--apply");

    Map<String, String> noSource = configured();
    noSource.remove("SUITE_COMMAND_TABLE");
    assertRefused(noSource, "no source table", "reconcile");

    Map<String, String> noReadModel = configured();
    noReadModel.keySet().removeIf(name -> name.startsWith("SUITE_RDS_"));
    assertRefused(noReadModel, "never puts embedded engines beside a configured source", "resync", "--apply");

    assertRefused(configured(), "embedded default", "resync", "--entities", "10");
    assertRefused(configured(), "--heal-orphans widens --heal", "reconcile", "--heal-orphans");
    assertRefused(configured(), "ISO-8601", "resync", "--since", "yesterday");

    assertThat(count("SELECT count(*) FROM product")).isEqualTo(before);
  }

  @Test
  void theEmbeddedDefaultLoadsResyncsAndReconcilesItsOwnCatalog() throws Exception {
    JsonNode resync = lastLine(cli(shellBase(), "resync", "--entities", "400", "--segments", "2"), 0);
    assertThat(resync.path("places").asText()).isEqualTo("embedded");
    assertThat(resync.path("load").path("entities").asLong()).isEqualTo(400);
    assertThat(resync.path("resync").path("entities").asLong()).isEqualTo(400);
    assertThat(resync.path("resync").path("written").asLong()).as("both read models").isEqualTo(800);
    assertThat(resync.path("counts").path("countsMatch").asBoolean()).isTrue();
    assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("  resync: 400 entities");
  }

  @Test
  void migrateChecksFirstOnConfiguredPlacesThenMigratesWithABackupThatIsValidatedAndRefusedOnceDamaged() throws Exception {
    S3MockApplication objects = S3MockServer.start("backups", Files.createDirectories(temp.resolve("s3")));
    try {
      URI endpoint = URI.create("http://127.0.0.1:" + objects.getHttpPort());
      Map<String, String> env = configured();
      env.put("AWS_ENDPOINT_URL_S3", endpoint.toString());
      env.put("SUITE_BACKUP_BUCKET", "backups");
      Path next = Files.createDirectories(temp.resolve("next"));
      Files.writeString(next.resolve("V7__product_note.sql"), "ALTER TABLE product ADD COLUMN ops_note varchar(20);");
      String locations = "classpath:db/migration/postgresql,filesystem:" + next;
      // The health check's sampled reconcile needs read models that agree with the source before the migration.
      sql("DELETE FROM product");
      lastLine(cli(configured(), "resync", "--apply", "--checkpoints", temp.resolve("before-migrate.json").toString()), 0);

      JsonNode dry = lastLine(cli(env, "migrate", "--locations", locations), 0);
      assertThat(dry.path("migrate").path("dryRun").asBoolean()).isTrue();
      assertThat(dry.path("migrate").path("preChecks").path("pending").toString()).contains("7 product note");
      assertThat(columns()).as("pre-checks only").doesNotContain("ops_note");

      Map<String, String> noBucket = configured();
      assertRefused(noBucket, "SUITE_BACKUP_BUCKET is not set", "migrate", "--apply", "--locations", locations);

      JsonNode migrated = lastLine(cli(env, "migrate", "--apply", "--locations", locations), 0);
      assertThat(migrated.path("migrate").path("status").asText()).as(migrated.toString()).isEqualTo("completed");
      assertThat(migrated.path("migrate").path("schemaVersionAfter").asText()).isEqualTo("7");
      assertThat(columns()).contains("ops_note");
      String backupId = migrated.path("migrate").path("backupId").asText();

      JsonNode listed = lastLine(cli(env, "migrate", "backups", "list"), 0);
      assertThat(listed.path("backups").get(0).path("id").asText()).isEqualTo(backupId);
      assertThat(lastLine(cli(env, "migrate", "backups", "validate", backupId), 0).path("valid").asBoolean()).isTrue();

      // A backup changed after it was written: its hash no longer matches, so it is neither valid nor restorable.
      S3Client s3 = S3Client.builder().endpointOverride(endpoint).forcePathStyle(true).region(Region.US_EAST_1)
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))).build();
      String key = s3.listObjectsV2(r -> r.bucket("backups")).contents().stream().map(o -> o.key())
          .filter(k -> k.contains(backupId) && k.endsWith(".ndjson") && k.contains("product")).findFirst().orElseThrow();
      String damaged = s3.getObjectAsBytes(r -> r.bucket("backups").key(key)).asUtf8String() + "{\"tampered\": true}\n";
      s3.putObject(r -> r.bucket("backups").key(key), RequestBody.fromString(damaged));
      long rows = count("SELECT count(*) FROM product");
      assertRefused(env, "is damaged", "migrate", "backups", "validate", backupId);
      assertRefused(env, "restore refused, nothing changed", "migrate", "backups", "restore", backupId, "--apply");
      assertThat(columns()).as("nothing restored").contains("ops_note");
      assertThat(count("SELECT count(*) FROM product")).isEqualTo(rows);
    } finally {
      objects.stop();
    }
  }

  private int cli(Map<String, String> env, String... args) {
    stdout.reset();
    stderr.reset();
    return SuiteCli.run(args, new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8), env);
  }

  private JsonNode lastLine(int code, int expected) throws Exception {
    String out = stdout.toString(StandardCharsets.UTF_8);
    assertThat(code).as(out + stderr).isEqualTo(expected);
    List<String> lines = out.trim().lines().toList();
    return JSON.readTree(lines.get(lines.size() - 1));
  }

  private void assertRefused(Map<String, String> env, String reason, String... args) {
    assertThatThrownBy(() -> cli(env, args)).isInstanceOf(UsageException.class).hasMessageContaining(reason);
  }

  /** The shell of a user pointing the commands at their places: the source table and the relational read model. */
  private static Map<String, String> configured() {
    Map<String, String> env = shellBase();
    env.put("SUITE_COMMAND_TABLE", TABLES.command());
    env.put("AWS_ENDPOINT_URL_DYNAMODB", dynalite.endpoint().toString());
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_ACCESS_KEY_ID", "local");
    env.put("AWS_SECRET_ACCESS_KEY", "local");
    env.putAll(postgres.settings());
    return env;
  }

  private static Map<String, String> shellBase() {
    Map<String, String> env = new HashMap<>(Map.of("SUITE_ROOT", SampleEvents.repositoryRoot().toString()));
    String cli = System.getenv("SUITE_DYNALITE_CLI");
    if (cli != null) {
      env.put("SUITE_DYNALITE_CLI", cli);
    }
    return env;
  }

  private static void sql(String statement) throws Exception {
    try (Connection c = connection(); Statement s = c.createStatement()) {
      s.executeUpdate(statement);
    }
  }

  private static long count(String query) throws Exception {
    try (Connection c = connection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
      r.next();
      return r.getLong(1);
    }
  }

  private static List<String> columns() throws Exception {
    List<String> names = new java.util.ArrayList<>();
    try (Connection c = connection(); ResultSet r = c.getMetaData().getColumns(null, null, "product", null)) {
      while (r.next()) {
        names.add(r.getString("COLUMN_NAME"));
      }
    }
    return names;
  }

  private static Connection connection() throws Exception {
    Map<String, String> settings = postgres.settings();
    return DriverManager.getConnection(settings.get("SUITE_RDS_URL"), settings.get("SUITE_RDS_USER"), settings.get("SUITE_RDS_PASSWORD"));
  }
}
