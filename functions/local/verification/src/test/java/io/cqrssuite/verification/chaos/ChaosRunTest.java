package io.cqrssuite.verification.chaos;

import io.cqrssuite.fixtures.ProductTables;
import io.cqrssuite.fixtures.SampleEvents;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.testing.engine.PostgresEngine;
import io.cqrssuite.testing.engine.TestEngines;
import io.cqrssuite.verification.workload.WorkloadOptions;
import io.cqrssuite.sync.opensearch.OpenSearchClients;
import io.cqrssuite.sync.opensearch.OpenSearchIndexes;
import io.cqrssuite.sync.opensearch.OpenSearchSettings;
import io.cqrssuite.sync.rds.PasswordSource;
import io.cqrssuite.sync.rds.SchemaMigrations;
import io.cqrssuite.sync.rds.SqlDialect;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A small chaos run end to end: real engines behind the fault proxies, a worker process killed mid-batch, outages
 * that exhaust retries into on-failure pointers, dead letters read back from the stream and replayed — and read
 * models that match the log exactly.
 */
class ChaosRunTest {
  private static final Path ROOT = SampleEvents.repositoryRoot();

  @Test
  void faultsKillsAndOutagesLeaveNothingLostStaleOrResurrected() throws Exception {
    PostgresEngine postgres = TestEngines.postgres();
    String jdbcUrl = postgres.createDatabase("chaos_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8));
    new SchemaMigrations(jdbcUrl, postgres.user(), PasswordSource.fixed(postgres.password()))
        .migrate(SchemaMigrations.classpathLocation(SqlDialect.forJdbcUrl(jdbcUrl)));
    String index = "chaos" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    Map<String, String> engines = new LinkedHashMap<>();
    engines.put("SUITE_RDS_URL", jdbcUrl);
    engines.put("SUITE_RDS_USER", postgres.user());
    engines.put("SUITE_RDS_PASSWORD", postgres.password());
    engines.put("SUITE_RDS_IAM_AUTH", "false");
    engines.put("SUITE_RDS_SECRET_ARN", "");
    engines.put("SUITE_OPENSEARCH_ENDPOINT", TestEngines.openSearch().endpoint().toString().replaceAll("/+$", ""));
    engines.put("SUITE_OPENSEARCH_SIGV4", "false");
    engines.put("SUITE_OPENSEARCH_INDEX", index);
    engines.put("SUITE_OPENSEARCH_TEMPLATE", "opensearch/products-template.json");
    OpenSearchSettings search = OpenSearchSettings.fromEnvironment(engines).orElseThrow();
    new OpenSearchIndexes(OpenSearchClients.create(search, "us-east-1"), search.indexNames(), OpenSearchIndexes.template(search.templateResource()))
        .ensure();

    ChaosOptions options =
        ChaosOptions.defaults()
            .withWorkload(new WorkloadOptions(300, 4, 5L, 0.20, 20, 0.10, 0.03, 0.05, 100))
            .withKillRate(0.25)
            .withOutagesPerPass(1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    int code =
        ChaosRun.run(options, ROOT, Map.of("AWS_REGION", "us-east-1", "SUITE_TABLE_MAPPINGS", ProductTables.CONFIG), engines, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(progress, true, StandardCharsets.UTF_8));

    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    JsonNode result = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertThat(code).as(out + "\n" + progress).isZero();
    assertThat(result.path("changes").asLong()).isEqualTo(1_200);
    assertThat(result.path("lost").asLong()).isZero();
    assertThat(result.path("stale").asLong()).isZero();
    assertThat(result.path("resurrected").asLong()).isZero();
    assertThat(result.path("mismatches").asLong()).isZero();
    // Each pass had one outage long enough to exhaust the head batch's retries: those records went the whole way
    // (pointer, envelopes read back from the stream, replay).
    assertThat(result.path("deadLettered").asLong()).isPositive();
    assertThat(result.path("replayed").asLong()).isEqualTo(result.path("deadLettered").asLong());
    assertThat(result.path("deadLettersLeft").asLong()).isZero();
    assertThat(result.path("kills").asInt()).isPositive();
    assertThat(result.path("workerStarts").asInt()).isEqualTo(result.path("kills").asInt() + 1);
    assertThat(result.path("faults").path("opensearch").path("errors503").asLong()).isPositive();
    assertThat(result.path("faults").path("postgres").path("resets").asLong()).isPositive();
  }
}
