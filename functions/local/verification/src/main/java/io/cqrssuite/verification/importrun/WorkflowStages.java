package io.cqrssuite.verification.importrun;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.verification.cloud.LocalCloud;
import io.cqrssuite.testing.aws.LocalDynamoDb;
import io.cqrssuite.testing.stepfunctions.WorkflowRuntime;
import io.cqrssuite.sync.opensearch.OpenSearchSettings;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The stages of {@code ./suite run} after the stream job: the command path ({@link CommandStage}) and a CSV import
 * through the workflow path ({@link ImportStage}), both on a {@link LocalCloud} whose function writes into the run's
 * embedded read models. Each prints its lines and adds its fields to the run's closing JSON object.
 */
public final class WorkflowStages {
  /** Rows of the run's import: enough for several chunks at a small chunk size, quick on dynalite. */
  public static final int RUN_IMPORT_ROWS = 2_000;
  /** Rows per chunk in the run, so that 2,000 rows make several chunks tasks; the bench measures the default. */
  public static final int RUN_CHUNK_ROWS = 250;
  /** The tenant of the run's import rows. */
  public static final String IMPORT_TENANT = "csvrun";

  private WorkflowStages() {}

  /** Where the parts of the local cloud come from; fails with what to install when one is missing. */
  public static LocalCloud.Options cloudOptions(Path root, Map<String, String> processEnv, int chunkRows, PrintStream harnessLog) {
    Path dynalite = LocalDynamoDb.cli(processEnv, root).orElseThrow(() -> new IllegalStateException(LocalDynamoDb.INSTALL_HINT));
    WorkflowRuntime runtime = WorkflowRuntime.find().orElseThrow(() -> new IllegalStateException(WorkflowRuntime.INSTALL_HINT));
    return new LocalCloud.Options(root, dynalite, runtime, chunkRows, harnessLog);
  }

  /** The read models named by the function's environment, as the checks read them. */
  public static TenantReadModelCheck.ReadModels readModels(Map<String, String> env) {
    OpenSearchSettings search = OpenSearchSettings.fromEnvironment(env).orElseThrow();
    return new TenantReadModelCheck.ReadModels(env.get("SUITE_RDS_URL"), env.get("SUITE_RDS_USER"), env.get("SUITE_RDS_PASSWORD"),
        env.get("SUITE_OPENSEARCH_ENDPOINT"), search.indexNames().readAlias(), search.indexNames().writeAlias());
  }

  /** Runs both stages; returns their mismatches (0 when all is as expected) after adding their fields to {@code summary}. */
  public static long run(Path root, Map<String, String> processEnv, Map<String, String> functionEnv, ObjectNode summary, PrintStream out,
      PrintStream progress) throws Exception {
    long t0 = System.nanoTime();
    LocalCloud.Options options = cloudOptions(root, processEnv, RUN_CHUNK_ROWS, harnessLog(processEnv));
    TenantReadModelCheck.ReadModels readModels = readModels(functionEnv);
    try (LocalCloud cloud = LocalCloud.start(options, functionEnv)) {
      progress.printf("local cloud: dynalite %s, ElasticMQ, S3 stand-in %s, local Step Functions harness (aws-local-stepfunctions) "
          + "running csv-import.asl.json, ready in %d ms%n", cloud.dynamoDb().endpoint(), cloud.objects().endpoint(), (System.nanoTime() - t0) / 1_000_000);

      CommandStage.Report commands = CommandStage.run(cloud, readModels);
      out.printf("commands   %d published through CommandService (create, merge-patch, delete, rollback), %d stale write refused "
              + "(VersionConflictException); %d stream records synced; data/history %d mismatches; PostgreSQL %d rows, "
              + "OpenSearch %d documents for tenant %s, %d mismatches%n",
          commands.published(), commands.conflicts(), commands.delivery().records(), commands.dataMismatches() + commands.historyMismatches(),
          commands.rows().visible(), commands.documents().visible(), CommandStage.TENANT, commands.rows().mismatches() + commands.documents().mismatches());
      commands.examples().forEach(e -> out.println("  mismatch: " + e));
      ObjectNode command = summary.putObject("commandPath");
      command.put("published", commands.published());
      command.put("conflicts", commands.conflicts());
      command.put("streamRecords", commands.delivery().records());
      command.put("rows", commands.rows().visible());
      command.put("documents", commands.documents().visible());
      command.put("mismatches", commands.mismatches());

      ProductCsvFile file = ProductCsvFile.generate(RUN_IMPORT_ROWS, IMPORT_TENANT, 7);
      progress.printf("import: %,d-row CSV (%,d bad rows: wrong column count, bad price, invalid UTF-8), %,d rows per chunk%n",
          file.rows(), file.badRows(), RUN_CHUNK_ROWS);
      ImportStage.Report imported = ImportStage.run(cloud, readModels, file, IMPORT_TENANT, "run-products", Duration.ofMinutes(5), progress);
      out.printf("import     %s: %,d rows in %,d chunks, %,d ok, %,d rejected, %,d superseded, %d failed chunks in %.2f s (local Step Functions harness, "
              + "aws-local-stepfunctions, dynalite); %,d commands streamed; PostgreSQL %,d rows, OpenSearch %,d documents for tenant %s, "
              + "%d mismatches%n",
          imported.executionStatus(), imported.summaryRows(), imported.chunks(), imported.ok(), imported.rejected(), imported.superseded(),
          imported.failedChunks(),
          imported.importNanos() / 1e9, imported.delivery().records(), imported.relational().visible(), imported.search().visible(),
          IMPORT_TENANT, imported.relational().mismatches() + imported.search().mismatches());
      imported.examples().forEach(e -> out.println("  mismatch: " + e));
      ObjectNode csv = summary.putObject("import");
      csv.put("status", imported.executionStatus());
      csv.put("rows", imported.summaryRows());
      csv.put("chunks", imported.chunks());
      csv.put("chunkRows", RUN_CHUNK_ROWS);
      csv.put("ok", imported.ok());
      csv.put("rejected", imported.rejected());
      csv.put("superseded", imported.superseded());
      csv.put("failedChunks", imported.failedChunks());
      csv.put("importSeconds", Math.round(imported.importNanos() / 1e6) / 1000.0);
      csv.put("streamRecords", imported.delivery().records());
      csv.put("rowsInReadModel", imported.relational().visible());
      csv.put("documents", imported.search().visible());
      csv.put("mismatches", imported.mismatches());
      csv.put("engine", "local Step Functions harness (aws-local-stepfunctions), dynalite");

      // Then the operations: damage the read models by hand, reconcile, heal.
      ReconcileStage.Report ops = ReconcileStage.run(cloud, functionEnv, out);
      ObjectNode opsJson = summary.putObject("ops");
      opsJson.put("damaged", ops.damaged());
      opsJson.put("found", ops.found());
      opsJson.put("healed", ops.healed());
      opsJson.put("remaining", ops.remaining());
      // And the migrations: one that completes, one whose health check fails and rolls back.
      MigrationStage.Report migrations = MigrationStage.run(cloud, functionEnv, out);
      opsJson.put("migrated", migrations.migrated());
      opsJson.put("rolledBack", migrations.rolledBack());
      opsJson.put("schemaVersionAfterRollback", migrations.schemaVersionAfterRollback());
      opsJson.put("searchIndexAfterRollback", migrations.readIndexAfterRollback());
      opsJson.put("seconds", Math.round((ops.seconds() + migrations.seconds()) * 1000) / 1000.0);
      return commands.mismatches() + imported.mismatches() + (ops.ok() ? 0 : 1) + (migrations.ok() ? 0 : 1);
    }
  }

  /** The harness's own log (SNS publishes, task errors) is kept off the run's screen; SUITE_HARNESS_LOG=stderr shows it. */
  public static PrintStream harnessLog(Map<String, String> processEnv) {
    return "stderr".equals(processEnv.get("SUITE_HARNESS_LOG")) ? System.err : new PrintStream(OutputStream.nullOutputStream());
  }
}
