package io.cqrssuite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.sync.rds.RdsSettings;
import io.cqrssuite.sync.rds.SchemaMigrations;
import io.cqrssuite.testing.engine.PostgresEngine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./suite invoke} evaluates the template's conditions as CloudFormation would: the read models exist only
 * when their stack parameters are given. The same data-table change, invoked without and with the relational read
 * model's parameters.
 */
class InvokeReadModelParametersTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path ROOT = SampleEvents.repositoryRoot();
  private static final String EVENT = ROOT.resolve("events/dynamodb/product-data-changes.json").toString();

  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

  private int invoke(Map<String, String> env, String... extra) {
    Map<String, String> processEnv = new HashMap<>(env);
    processEnv.put("SUITE_ROOT", ROOT.toString());
    processEnv.put("AWS_REGION", "us-east-1");
    String[] args = new String[3 + extra.length];
    args[0] = "invoke";
    args[1] = "EventFactoryFunction";
    args[2] = EVENT;
    System.arraycopy(extra, 0, args, 3, extra.length);
    stdout.reset();
    stderr.reset();
    return SuiteCli.run(args, new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8), processEnv);
  }

  @Test
  void withoutReadModelParametersTheFunctionStartsWithNoSyncTarget() throws Exception {
    // The template's defaults: no DatabaseJdbcUrl, no OpenSearchDomainEndpoint. HasRds and HasOpenSearch are false,
    // so SUITE_RDS_URL and SUITE_OPENSEARCH_ENDPOINT are not set and no engine is started for them.
    assertThat(invoke(Map.of())).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
    JsonNode response = JSON.readTree(stdout.toString(StandardCharsets.UTF_8));
    // Nothing takes a data-table change then; SUITE_UNHANDLED_EVENTS=fail reports the first record rather than
    // acknowledge changes no read model received.
    assertThat(response.path("batchItemFailures")).hasSize(1);
    assertThat(stderr.toString(StandardCharsets.UTF_8)).doesNotContain("embedded PostgreSQL").doesNotContain("embedded OpenSearch");
  }

  @Test
  void withTheRelationalReadModelsParametersTheChangesReachIt(@TempDir Path dir) throws Exception {
    try (PostgresEngine postgres = PostgresEngine.start()) {
      Map<String, String> rds = Map.of(
          "SUITE_RDS_URL", postgres.jdbcUrl(), "SUITE_RDS_USER", postgres.user(), "SUITE_RDS_PASSWORD", postgres.password(), "SUITE_RDS_IAM_AUTH", "false");
      RdsSettings settings = RdsSettings.fromEnvironment(rds);
      SchemaMigrations.of(settings).migrate(settings);
      Path envVars = dir.resolve("env.json");
      // Stack parameters, as `sam local invoke --env-vars` takes them: the condition HasRds now holds.
      Files.writeString(envVars, JSON.writeValueAsString(Map.of("Parameters",
          Map.of("DatabaseJdbcUrl", postgres.jdbcUrl(), "DatabaseUser", postgres.user(), "DatabaseIamAuth", "false"))));
      // The password is not a parameter (deployed stacks read a secret or use IAM): it comes from the shell.
      int code = invoke(Map.of("SUITE_RDS_PASSWORD", postgres.password()), "--env-vars", envVars.toString());
      assertThat(code).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
      assertThat(JSON.readTree(stdout.toString(StandardCharsets.UTF_8)).path("batchItemFailures")).isEmpty();
      try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password());
          ResultSet rows = connection.createStatement().executeQuery("select code, version from product order by code")) {
        Map<String, Long> versions = new HashMap<>();
        while (rows.next()) {
          versions.put(rows.getString(1), rows.getLong(2));
        }
        // P-010 inserted at version 1, P-001 modified to version 2; P-005's REMOVE leaves a tombstone or nothing.
        assertThat(versions).containsEntry("P-010", 1L).containsEntry("P-001", 2L);
      }
    }
  }
}
