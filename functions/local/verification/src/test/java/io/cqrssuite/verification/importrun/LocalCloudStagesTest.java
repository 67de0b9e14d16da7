package io.cqrssuite.verification.importrun;

import static org.assertj.core.api.Assertions.assertThat;

import io.cqrssuite.verification.cloud.LocalCloud;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
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
  private static final PrintStream QUIET = ImportCloud.QUIET;
  private static LocalCloud cloud;
  private static TenantReadModelCheck.ReadModels readModels;

  @BeforeAll
  static void start() throws Exception {
    // 100 rows per chunk: the 300-row file makes three chunk tasks over the queue.
    ImportCloud bed = ImportCloud.start("stages", 100);
    cloud = bed.cloud();
    readModels = bed.readModels();
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
