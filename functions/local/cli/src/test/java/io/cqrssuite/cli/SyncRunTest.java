package io.cqrssuite.cli;

import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.cli.SuiteCli;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.testing.aws.LocalDynamoDb;
import io.cqrssuite.testing.stepfunctions.WorkflowRuntime;
import io.cqrssuite.verification.ProgressLine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code ./suite run}: the main job end to end, small, on its own embedded engines. */
class SyncRunTest {
  @Test
  void runSyncsTheWorkloadIntoBothReadModelsWithoutMismatches() throws Exception {
    // The run's command path and import need dynalite and the workflow runtime, which ./suite test installs.
    assumeTrue(LocalDynamoDb.cli(runEnvironment(), SampleEvents.repositoryRoot()).isPresent(), LocalDynamoDb.INSTALL_HINT);
    assumeTrue(WorkflowRuntime.find().isPresent(), WorkflowRuntime.INSTALL_HINT);
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    int code =
        SuiteCli.run(
            new String[] {"run", "--entities", "150", "--versions", "3", "--seed", "5"},
            new PrintStream(stdout, true, StandardCharsets.UTF_8),
            new PrintStream(stderr, true, StandardCharsets.UTF_8),
            runEnvironment());
    String out = stdout.toString(StandardCharsets.UTF_8);
    assertThat(code).as(out + stderr).isZero();
    List<String> lines = out.trim().lines().toList();
    JsonNode summary = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertThat(summary.path("mismatches").asLong()).isZero();
    assertThat(summary.path("records").asLong()).isGreaterThan(450);
    assertThat(summary.path("recordsPerSecond").asLong()).isPositive();
    assertThat(summary.path("rows").asLong()).isEqualTo(summary.path("alive").asLong()).isEqualTo(summary.path("documents").asLong());
    assertThat(summary.path("entities").asLong()).isEqualTo(150);
    assertThat(out).contains("PostgreSQL").contains("OpenSearch").contains("search ");
    assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("synced");
    if (ProgressLine.mode() == ProgressLine.Mode.PLAIN) {
      // No terminal under the build: the sync and import progress come as plain lines, ending with the final state.
      assertThat(stderr.toString(StandardCharsets.UTF_8)).doesNotContain("\r")
          .containsPattern("  synced ([0-9,]+) / \\1 records").containsPattern("  import: ([0-9,]+) / \\1 chunks done");
    }
    // The stages after the stream job: the command path and the CSV import through the workflow.
    assertThat(summary.path("commandPath").path("mismatches").asLong()).isZero();
    assertThat(summary.path("commandPath").path("conflicts").asLong()).isEqualTo(1);
    JsonNode imported = summary.path("import");
    assertThat(imported.path("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(imported.path("ok").asLong()).isEqualTo(1_992);
    assertThat(imported.path("rejected").asLong()).isEqualTo(8);
    assertThat(imported.path("rowsInReadModel").asLong()).isEqualTo(1_992).isEqualTo(imported.path("documents").asLong());
    assertThat(imported.path("mismatches").asLong()).isZero();
    assertThat(out).contains("commands ").contains("import ");
    // Then the operations: damage made by hand, found exactly by reconcile, healed to nothing.
    JsonNode ops = summary.path("ops");
    assertThat(ops.path("damaged").asLong()).isEqualTo(9);
    assertThat(ops.path("found").asLong()).isEqualTo(ops.path("damaged").asLong());
    assertThat(ops.path("healed").asLong()).isEqualTo(ops.path("found").asLong());
    assertThat(ops.path("remaining").asLong()).isZero();
    assertThat(out).contains("reconcile  9 differences made by hand");
    // And the migrations of both read models: one completes, the one whose health check fails rolls back.
    assertThat(ops.path("migrated").asBoolean()).isTrue();
    assertThat(ops.path("rolledBack").asBoolean()).isTrue();
    assertThat(ops.path("schemaVersionAfterRollback").asText()).isEqualTo("9001");
    assertThat(ops.path("searchIndexAfterRollback").asText()).isEqualTo("products-v2");
    assertThat(out).contains("migrate    completed: schema 1 -> 9001").contains("migrate    rolled_back: health: the canary");
  }

  /** The repository root, and dynalite where ./suite test (or the shell) says it is. */
  private static Map<String, String> runEnvironment() {
    Map<String, String> env = new HashMap<>(Map.of("SUITE_ROOT", SampleEvents.repositoryRoot().toString()));
    String dynalite = System.getenv("SUITE_DYNALITE_CLI");
    if (dynalite != null) {
      env.put("SUITE_DYNALITE_CLI", dynalite);
    }
    return env;
  }

  @Test
  void badOptionsCannotRun() {
    for (String[] args : new String[][] {{"run", "--entities", "0"}, {"run", "--versions", "x"}, {"run", "--bogus"}}) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> SuiteCli.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()), Map.of("SUITE_ROOT", SampleEvents.repositoryRoot().toString())))
          .isInstanceOf(Arguments.UsageException.class);
    }
  }
}
