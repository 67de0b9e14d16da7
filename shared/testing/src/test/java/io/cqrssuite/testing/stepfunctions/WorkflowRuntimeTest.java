package io.cqrssuite.testing.stepfunctions;

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

    assertThat(runtime.node())
        .isEqualTo(repository.resolve(".suite/node/node_modules/" + WorkflowRuntime.platformPackage() + "/bin/node").toAbsolutePath());
    assertThat(runtime.modules()).isEqualTo(repository.resolve(".suite/node/node_modules").toAbsolutePath());
    // The script comes from the jar, so a user's project runs it without a checkout of the suite.
    assertThat(runtime.harness()).isRegularFile().content().contains("aws-local-stepfunctions");
  }

  @Test
  void theEnvironmentNamesTheNodeAndTheModulesWherever() throws IOException {
    Path elsewhere = Files.createDirectories(repository.resolve("elsewhere/node_modules"));
    layOut(elsewhere);

    WorkflowRuntime runtime = WorkflowRuntime.find(
        Map.of("SUITE_ROOT", repository.toString(),
            "SUITE_WORKFLOW_MODULES", elsewhere.toString(),
            "SUITE_NODE22", elsewhere.resolve(WorkflowRuntime.platformPackage() + "/bin/node").toString()),
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
    Path node = modules.resolve(WorkflowRuntime.platformPackage() + "/bin/node");
    script(node);
    Files.setPosixFilePermissions(node, PosixFilePermissions.fromString("rwxr-xr-x"));
    script(modules.resolve("aws-local-stepfunctions/package.json"));
  }

  private static void script(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "");
  }
}
