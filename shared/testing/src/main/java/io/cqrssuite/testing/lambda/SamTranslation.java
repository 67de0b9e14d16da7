package io.cqrssuite.testing.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A SAM template as CloudFormation receives it, translated by the real {@code aws-sam-translator} (Python), so tests
 * see the roles, event source mappings and permissions SAM generates rather than what the template says. The
 * translator runs as {@code python3} (or {@code SUITE_PYTHON}); {@link #unavailable} says why it cannot.
 */
public final class SamTranslation {
  /** What to tell someone whose machine lacks it. */
  public static final String INSTALL_HINT =
      "aws-sam-translator is needed (pip install aws-sam-translator cfn-lint, e.g. in a venv: python3 -m venv .suite/venv"
          + " && .suite/venv/bin/pip install aws-sam-translator cfn-lint, then SUITE_PYTHON=.suite/venv/bin/python3)";

  private SamTranslation() {}

  /** The Python that runs the translator: {@code SUITE_PYTHON}, else {@code python3}. */
  public static String python(Map<String, String> env) {
    String configured = env.get("SUITE_PYTHON");
    return configured == null || configured.isBlank() ? "python3" : configured;
  }

  /** Whether {@code python} can import the translator; empty when it can, else why not. */
  public static Optional<String> unavailable(String python) {
    try {
      Process check = new ProcessBuilder(python, "-c", "import samtranslator").redirectErrorStream(true).start();
      String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!check.waitFor(60, TimeUnit.SECONDS) || check.exitValue() != 0) {
        return Optional.of(python + " cannot import samtranslator (" + output.strip() + "); " + INSTALL_HINT);
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("no " + python + " on this machine (" + e.getMessage() + "); " + INSTALL_HINT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    }
  }

  /** The translated template; fails with the translator's messages when SAM refuses the template. */
  public static JsonNode translate(String python, Path template) throws IOException, InterruptedException {
    Path script = Files.createTempFile("sam_translate", ".py");
    try {
      try (InputStream in = SamTranslation.class.getResourceAsStream("sam_translate.py")) {
        Files.write(script, in.readAllBytes());
      }
      Path out = Files.createTempFile("translated", ".json");
      Path err = Files.createTempFile("translated", ".err");
      try {
        ProcessBuilder builder = new ProcessBuilder(python, script.toString(), template.toString())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
        builder.environment().putIfAbsent("AWS_DEFAULT_REGION", "us-east-1");
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IOException("aws-sam-translator did not finish within 120 s");
        }
        if (process.exitValue() != 0) {
          throw new IOException("SAM refuses " + template + ":\n" + Files.readString(err));
        }
        return new ObjectMapper().readTree(out.toFile());
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } finally {
      Files.deleteIfExists(script);
    }
  }
}
