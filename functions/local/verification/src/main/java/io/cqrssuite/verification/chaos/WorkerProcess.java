package io.cqrssuite.verification.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.verification.workload.StreamDeliveries;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The function as a {@link ChaosWorker} process, started on first use and again after each death (a cold start,
 * as Lambda would give). With a kill rate above zero, an invocation is picked with that probability and the
 * process is killed with SIGKILL ({@link Process#destroyForcibly()}, i.e. {@code kill -9}) at a random point within
 * the time a batch usually takes, so the kill lands mid-batch: between a write to PostgreSQL and one to
 * OpenSearch, inside a JDBC transaction, before the answer. The mapping sees a function error, as it would.
 */
final class WorkerProcess implements StreamMapping.Function, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, String> environment;
  private final Path log;
  private final int timeoutSeconds;
  private final SplittableRandom random;
  private final ScheduledExecutorService killer =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "chaos-killer");
        t.setDaemon(true);
        return t;
      });
  private double killRate;
  private Process process;
  private BufferedReader answers;
  private OutputStream events;
  private double typicalMillis = 50;
  int starts;
  int kills;
  long startMillis;

  WorkerProcess(Map<String, String> environment, Path log, int timeoutSeconds, long seed) {
    this.environment = Map.copyOf(environment);
    this.log = log;
    this.timeoutSeconds = timeoutSeconds;
    this.random = new SplittableRandom(seed);
  }

  void killRate(double rate) {
    this.killRate = rate;
  }

  @Override
  public StreamMapping.Answer invoke(List<ObjectNode> batch) throws IOException {
    ensureStarted();
    Process running = process;
    AtomicBoolean killed = new AtomicBoolean();
    ScheduledFuture<?> kill = null;
    if (killRate > 0 && random.nextDouble() < killRate) {
      long delayMicros = (long) (random.nextDouble() * typicalMillis * 1000);
      kill = killer.schedule(() -> {
        killed.set(true);
        running.destroyForcibly();
      }, delayMicros, TimeUnit.MICROSECONDS);
    }
    long t0 = System.nanoTime();
    String line;
    try {
      events.write(StreamDeliveries.event(batch));
      events.write('\n');
      events.flush();
      line = answers.readLine();
    } catch (IOException e) {
      line = null;
    }
    if (kill != null) {
      kill.cancel(false);
    }
    if (line == null) {
      waitFor(running);
      process = null;
      if (killed.get()) {
        kills++;
        return new StreamMapping.Answer.FunctionError("Runtime.ExitError", "worker killed with SIGKILL mid-batch");
      }
      return new StreamMapping.Answer.FunctionError("Runtime.ExitError", "worker exited with " + running.exitValue() + " (see " + log + ")");
    }
    typicalMillis = 0.9 * typicalMillis + 0.1 * ((System.nanoTime() - t0) / 1e6);
    JsonNode answer = JSON.readTree(line);
    if (answer.has("error")) {
      return new StreamMapping.Answer.FunctionError(answer.path("error").path("errorType").asText(), answer.path("error").path("errorMessage").asText());
    }
    JsonNode failures = answer.path("response").path("batchItemFailures");
    return new StreamMapping.Answer.Returned(failures.isEmpty() ? null : lowest(failures));
  }

  /** Lambda checkpoints at the lowest sequence number a response names. */
  private static String lowest(JsonNode failures) {
    String lowest = null;
    for (JsonNode failure : failures) {
      String id = failure.path("itemIdentifier").asText("");
      if (id.isEmpty()) {
        return "";
      }
      if (lowest == null || new java.math.BigInteger(id).compareTo(new java.math.BigInteger(lowest)) < 0) {
        lowest = id;
      }
    }
    return lowest;
  }

  private void ensureStarted() throws IOException {
    if (process != null && process.isAlive()) {
      return;
    }
    long t0 = System.nanoTime();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Xmx512m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ChaosWorker.class.getName());
    command.add(Integer.toString(timeoutSeconds));
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().clear();
    builder.environment().putAll(environment);
    process = builder.start();
    answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    events = process.getOutputStream();
    String ready = answers.readLine();
    if (ready == null || !ready.contains("\"ready\"")) {
      throw new IOException("the chaos worker did not start; its log is " + log);
    }
    starts++;
    startMillis += (System.nanoTime() - t0) / 1_000_000;
  }

  private static void waitFor(Process process) {
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    killer.shutdownNow();
    if (process != null) {
      process.destroyForcibly();
      waitFor(process);
    }
  }
}
