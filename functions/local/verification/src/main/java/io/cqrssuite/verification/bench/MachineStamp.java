package io.cqrssuite.verification.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Where figures were measured, so that two runs are compared only when they should be: the commit (with
 * {@code -dirty} for uncommitted changes), the JDK, the CPU model and the cores the JVM may use.
 */
public record MachineStamp(String commit, String jdk, String cpu, int cores) {
  public static MachineStamp of(Path root) {
    String commit = git(root, "rev-parse", "HEAD");
    if (commit != null && !git(root, "status", "--porcelain", "--untracked-files=no").isEmpty()) {
      commit += "-dirty";
    }
    return new MachineStamp(
        commit == null ? "unknown (not a git checkout)" : commit,
        System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
            + System.getProperty("java.runtime.version"),
        cpuModel(),
        Runtime.getRuntime().availableProcessors());
  }

  /** Linux names the model in /proc/cpuinfo; elsewhere the architecture is what is known without a tool. */
  private static String cpuModel() {
    Path cpuinfo = Path.of("/proc/cpuinfo");
    if (Files.isReadable(cpuinfo)) {
      try {
        for (String line : Files.readAllLines(cpuinfo, StandardCharsets.UTF_8)) {
          if (line.startsWith("model name")) {
            return line.substring(line.indexOf(':') + 1).trim();
          }
        }
      } catch (IOException e) {
        // Fall through to the architecture.
      }
    }
    return System.getProperty("os.arch");
  }

  /** The trimmed output of a git command, or {@code null} when git is missing or fails. */
  private static String git(Path root, String... args) {
    String[] command = new String[args.length + 3];
    command[0] = "git";
    command[1] = "-C";
    command[2] = root.toString();
    System.arraycopy(args, 0, command, 3, args.length);
    try {
      Process git = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String output = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!git.waitFor(10, TimeUnit.SECONDS) || git.exitValue() != 0) {
        git.destroy();
        return null;
      }
      return output;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
