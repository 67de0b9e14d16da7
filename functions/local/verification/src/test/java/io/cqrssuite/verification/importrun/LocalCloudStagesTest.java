package io.cqrssuite.verification.importrun;

import io.cqrssuite.fixtures.SampleEvents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cqrssuite.verification.cloud.LocalCloud;
import io.cqrssuite.testing.aws.LocalDynamoDb;
import io.cqrssuite.testing.engine.PostgresEngine;
import io.cqrssuite.testing.engine.TestEngines;
import io.cqrssuite.testing.stepfunctions.WorkflowRuntime;
import io.cqrssuite.sync.opensearch.OpenSearchClients;
import io.cqrssuite.sync.opensearch.OpenSearchIndexes;
import io.cqrssuite.sync.opensearch.OpenSearchSettings;
import io.cqrssuite.sync.rds.PasswordSource;
import io.cqrssuite.sync.rds.SchemaMigrations;
import io.cqrssuite.sync.rds.SqlDialect;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The two stages {@code ./suite run} adds after the stream job, end to end on the local cloud (dynalite, ElasticMQ,
 * the S3 stand-in, the local Step Functions harness running the real csv-import.asl.json) into the embedded
 * PostgreSQL and OpenSearch. Skipped, with the reason, only when dynalite or the workflow runtime (Node 22 and
 * aws-local-stepfunctions, which {@code ./suite test} installs) is absent.
 */
class LocalCloudStagesTest {
  private static final Path ROOT = SampleEvents.repositoryRoot().toAbsolutePath().normalize();
  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
  private static LocalCloud cloud;
  private static TenantReadModelCheck.ReadModels readModels;

  @BeforeAll
  static void start() throws Exception {
    Optional<Path> dynalite = LocalDynamoDb.cli(System.getenv(), ROOT);
    assumeTrue(dynalite.isPresent(), LocalDynamoDb.INSTALL_HINT);
    Optional<WorkflowRuntime> runtime = WorkflowRuntime.find();
    assumeTrue(runtime.isPresent(), WorkflowRuntime.INSTALL_HINT);

    PostgresEngine postgres = TestEngines.postgres();
    String jdbcUrl = postgres.createDatabase("stages_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8));
    new SchemaMigrations(jdbcUrl, postgres.user(), PasswordSource.fixed(postgres.password()))
        .migrate(SchemaMigrations.classpathLocation(SqlDialect.forJdbcUrl(jdbcUrl)));
    Map<String, String> env = new HashMap<>();
    env.put("AWS_REGION", "us-east-1");
    env.put("SUITE_LOG_LEVEL", "ERROR");
    env.put("SUITE_METRICS", "off");
    env.put("SUITE_UNHANDLED_EVENTS", "fail");
    env.put("SUITE_RDS_URL", jdbcUrl);
    env.put("SUITE_RDS_USER", postgres.user());
    env.put("SUITE_RDS_PASSWORD", postgres.password());
    env.put("SUITE_OPENSEARCH_ENDPOINT", TestEngines.openSearch().endpoint().toString());
    env.put("SUITE_OPENSEARCH_INDEX", "stages" + UUID.randomUUID().toString().replace("-", "").substring(0, 10));
    env.put("SUITE_OPENSEARCH_TEMPLATE", "opensearch/products-template.json");
    OpenSearchSettings search = OpenSearchSettings.fromEnvironment(env).orElseThrow();
    new OpenSearchIndexes(OpenSearchClients.create(search, "us-east-1"), search.indexNames(), OpenSearchIndexes.template(search.templateResource()))
        .ensure();
    readModels = WorkflowStages.readModels(env);
    // 100 rows per chunk: the 300-row file makes three chunk tasks over the queue.
    cloud = LocalCloud.start(new LocalCloud.Options(ROOT, dynalite.get(), runtime.get(), 100, QUIET), env);
  }

  @AfterAll
  static void stop() {
    if (cloud != null) {
      cloud.close();
    }
  }

  @Test
  void csvImportRunsTheWorkflowRejectsTheBadRowsAndLandsTheRestInBothReadModels() throws Exception {
    ProductCsvFile file = ProductCsvFile.generate(300, "csvtest", 3);

    ImportStage.Report report = ImportStage.run(cloud, readModels, file, "csvtest", "stages-test", Duration.ofMinutes(2), QUIET);

    assertThat(report.executionStatus()).isEqualTo("SUCCEEDED");
    assertThat(report.summaryRows()).isEqualTo(300);
    assertThat(report.rejected()).isEqualTo(8).isEqualTo(file.badRows());
    assertThat(report.ok()).isEqualTo(292);
    assertThat(report.failedChunks()).isZero();
    assertThat(report.chunks()).isEqualTo(3);
    assertThat(report.delivery().records()).isEqualTo(292);
    assertThat(report.relational().visible()).isEqualTo(292);
    assertThat(report.search().visible()).isEqualTo(292);
    assertThat(report.examples()).isEmpty();
    assertThat(report.mismatches()).isZero();
    ExpectedProduct first = file.expected().get("PRODUCT#csvtest#P-000001");
    try (Connection connection = DriverManager.getConnection(readModels.jdbcUrl(), readModels.user(), readModels.password());
        PreparedStatement select = connection.prepareStatement("SELECT version, name, price FROM product_live WHERE id = ?")) {
      select.setString(1, first.id());
      try (ResultSet row = select.executeQuery()) {
        assertThat(row.next()).isTrue();
        assertThat(row.getLong("version")).isEqualTo(1);
        assertThat(row.getString("name")).isEqualTo(first.name());
        assertThat(row.getLong("price")).isEqualTo(first.price());
      }
    }
  }

  @Test
  void commandPathSyncsCreatePatchDeleteRollbackAndRefusesTheStaleWrite() throws Exception {
    CommandStage.Report report = CommandStage.run(cloud, readModels);

    assertThat(report.published()).isEqualTo(10);
    assertThat(report.conflicts()).isEqualTo(1);
    assertThat(report.delivery().givenUp()).isZero();
    assertThat(report.dataMismatches()).isZero();
    assertThat(report.historyMismatches()).isZero();
    // The lamp is deleted: three of the four products are visible.
    assertThat(report.rows().visible()).isEqualTo(3);
    assertThat(report.documents().visible()).isEqualTo(3);
    assertThat(report.examples()).isEmpty();
    assertThat(report.mismatches()).isZero();
  }
}
