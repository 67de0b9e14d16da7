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

  @BeforeAll
  static void places() throws Exception {
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

  private static Connection connection() throws Exception {
    Map<String, String> settings = postgres.settings();
    return DriverManager.getConnection(settings.get("SUITE_RDS_URL"), settings.get("SUITE_RDS_USER"), settings.get("SUITE_RDS_PASSWORD"));
  }
}
