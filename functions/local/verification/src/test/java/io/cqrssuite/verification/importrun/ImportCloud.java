package io.cqrssuite.verification.importrun;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.testing.aws.LocalDynamoDb;
import io.cqrssuite.testing.stepfunctions.WorkflowRuntime;
import io.cqrssuite.verification.cloud.LocalCloud;
import io.cqrssuite.verification.workload.FreshReadModels;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The import stages' test bed: the local cloud (dynalite, ElasticMQ, the S3 stand-in, the Step Functions harness
 * running the real csv-import.asl.json) over a fresh PostgreSQL database and OpenSearch index of the shared engines.
 * Skips the test class, with the reason, when dynalite or the workflow runtime (which {@code ./suite test} installs)
 * is absent.
 */
record ImportCloud(LocalCloud cloud, TenantReadModelCheck.ReadModels readModels) implements AutoCloseable {
  static final Path ROOT = SampleEvents.repositoryRoot().toAbsolutePath().normalize();
  static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  /** {@code name} prefixes the database and index; {@code chunkRows} is the import's chunk size. */
  static ImportCloud start(String name, int chunkRows) throws Exception {
    Optional<Path> dynalite = LocalDynamoDb.cli(System.getenv(), ROOT);
    assumeTrue(dynalite.isPresent(), LocalDynamoDb.INSTALL_HINT);
    Optional<WorkflowRuntime> runtime = WorkflowRuntime.find();
    assumeTrue(runtime.isPresent(), WorkflowRuntime.INSTALL_HINT);

    Map<String, String> env = new HashMap<>();
    env.put("AWS_REGION", "us-east-1");
    env.put("SUITE_LOG_LEVEL", "ERROR");
    env.put("SUITE_METRICS", "off");
    env.put("SUITE_UNHANDLED_EVENTS", "fail");
    env.putAll(FreshReadModels.create(name));
    TenantReadModelCheck.ReadModels readModels = WorkflowStages.readModels(env);
    return new ImportCloud(LocalCloud.start(new LocalCloud.Options(ROOT, dynalite.get(), runtime.get(), chunkRows, QUIET), env), readModels);
  }

  @Override
  public void close() {
    cloud.close();
  }
}
