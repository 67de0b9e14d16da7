package io.cqrssuite.testing.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A local stand-in for the Step Functions service, where none runs: a Node process ({@code sfn-harness.mjs}) that
 * answers the Step Functions JSON API on a loopback port and runs each execution's real ASL definition in the
 * {@code aws-local-stepfunctions} interpreter. Point an {@code SfnClient} (or {@code AWS_ENDPOINT_URL_SFN}) at
 * {@link #endpoint()}. Task states are served by the harness: {@code sqs:sendMessage} (also
 * {@code .waitForTaskToken}) sends to the SQS endpoint given, Lambda tasks go to a {@link LambdaInvokeBridge},
 * {@code sns:publish} is recorded on stderr; task tokens are issued and answered as Step Functions does. What the
 * interpreter cannot do is listed in the harness script's header. Never on the production path: figures from it are
 * the interpreter's. The process ends with {@link #close()}, or with this JVM (it exits when its stdin closes).
 */
public final class LocalStepFunctions implements AutoCloseable {
  /** The account id in every ARN the harness makes. */
  public static final String ACCOUNT = "123456789012";

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final URI endpoint;
  private final String region;

  private LocalStepFunctions(Process process, int port, String region) {
    this.process = process;
    this.endpoint = URI.create("http://127.0.0.1:" + port);
    this.region = region;
  }

  /** Starts configuring a harness that runs on {@code runtime} (see {@link WorkflowRuntime#find()}). */
  public static Builder builder(WorkflowRuntime runtime) {
    return new Builder(runtime);
  }

  /** The Step Functions endpoint, as {@code AWS_ENDPOINT_URL_SFN} would be. */
  public URI endpoint() {
    return endpoint;
  }

  /** The ARN of a state machine given to the builder (or created later through the API) under {@code name}. */
  public String stateMachineArn(String name) {
    return "arn:aws:states:" + region + ":" + ACCOUNT + ":stateMachine:" + name;
  }

  @Override
  public void close() {
    try {
      process.getOutputStream().close();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** A state machine to create at start: its ASL file and the {@code ${Key}} values to put in it, as SAM does. */
  public record StateMachineSource(Path definition, Map<String, String> substitutions) {
    public StateMachineSource {
      substitutions = Map.copyOf(substitutions);
    }
  }

  /** How the harness is started; every setting but the runtime is optional. */
  public static final class Builder {
    private final WorkflowRuntime runtime;
    private final Map<String, StateMachineSource> stateMachines = new LinkedHashMap<>();
    private URI sqsEndpoint;
    private URI lambdaEndpoint;
    private Duration retryPause;
    private Duration waitOverride;
    private String region = "us-east-1";
    private PrintStream log = System.err;

    private Builder(WorkflowRuntime runtime) {
      this.runtime = runtime;
    }

    /** Creates {@code name} from the ASL file at start, with {@code substitutions} for its {@code ${Key}}s. */
    public Builder stateMachine(String name, Path definition, Map<String, String> substitutions) {
      stateMachines.put(name, new StateMachineSource(definition, substitutions));
      return this;
    }

    /** Where {@code sqs:sendMessage} tasks send (ElasticMQ, say); without it, the origin of each task's QueueUrl. */
    public Builder sqsEndpoint(URI endpoint) {
      this.sqsEndpoint = endpoint;
      return this;
    }

    /** Runs Lambda tasks through {@code bridge}. */
    public Builder lambdas(LambdaInvokeBridge bridge) {
      return lambdaEndpoint(bridge.endpoint());
    }

    /** Runs Lambda tasks through any server of the Lambda Invoke API. */
    public Builder lambdaEndpoint(URI endpoint) {
      this.lambdaEndpoint = endpoint;
      return this;
    }

    /**
     * Every {@code Retry} waits this long instead of its {@code IntervalSeconds} and backoff (the interpreter's
     * retry-interval override), so tests of retries run fast; unset, retries wait as the definition says.
     */
    public Builder retryPause(Duration pause) {
      this.retryPause = pause;
      return this;
    }

    /** Every {@code Wait} state waits this long instead of what its definition says (the interpreter's override). */
    public Builder waitOverride(Duration wait) {
      this.waitOverride = wait;
      return this;
    }

    /** The region in ARNs; {@code us-east-1} unless set. */
    public Builder region(String region) {
      this.region = region;
      return this;
    }

    /** Where the harness's own log lines go (stderr unless set). */
    public Builder log(PrintStream log) {
      this.log = log;
      return this;
    }

    /** Starts the harness and waits until it listens; the state machines given are created by then. */
    public LocalStepFunctions start() throws IOException {
      List<String> command = new ArrayList<>(List.of(
          runtime.node().toString(), runtime.harness().toString(),
          "--modules", runtime.modules().toString(),
          "--region", region,
          "--account", ACCOUNT));
      for (Map.Entry<String, StateMachineSource> machine : stateMachines.entrySet()) {
        Path file = machine.getValue().definition();
        if (!Files.isRegularFile(file)) {
          throw new IOException("state machine " + machine.getKey() + ": no definition at " + file);
        }
        command.addAll(List.of("--definition", machine.getKey() + "=" + file.toAbsolutePath()));
        for (Map.Entry<String, String> sub : machine.getValue().substitutions().entrySet()) {
          command.addAll(List.of("--substitution", machine.getKey() + ":" + sub.getKey() + "=" + sub.getValue()));
        }
      }
      if (sqsEndpoint != null) {
        command.addAll(List.of("--sqs-endpoint", sqsEndpoint.toString()));
      }
      if (lambdaEndpoint != null) {
        command.addAll(List.of("--lambda-endpoint", lambdaEndpoint.toString()));
      }
      if (retryPause != null) {
        command.addAll(List.of("--retry-pause-ms", Long.toString(retryPause.toMillis())));
      }
      if (waitOverride != null) {
        command.addAll(List.of("--wait-ms", Long.toString(waitOverride.toMillis())));
      }
      Process process = new ProcessBuilder(command).start();
      Deque<String> lastErrors = new ArrayDeque<>();
      pump(process.getErrorStream(), "sfn-harness-stderr", line -> {
        synchronized (lastErrors) {
          if (lastErrors.size() == 20) {
            lastErrors.removeFirst();
          }
          lastErrors.addLast(line);
        }
        log.println(line);
      });
      CompletableFuture<Integer> port = new CompletableFuture<>();
      pump(process.getInputStream(), "sfn-harness-stdout", line -> {
        if (!port.isDone()) {
          try {
            port.complete(listeningPort(line));
          } catch (IllegalStateException e) {
            port.completeExceptionally(e);
          }
        } else {
          log.println(line);
        }
      });
      process.onExit().thenRun(() -> port.completeExceptionally(new IOException("exited with " + process.exitValue())));
      try {
        return new LocalStepFunctions(process, port.get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), region);
      } catch (ExecutionException | TimeoutException e) {
        process.destroyForcibly();
        String why = e instanceof TimeoutException ? "did not listen within " + READY_TIMEOUT.toSeconds() + " s" : e.getCause().getMessage();
        String errors;
        synchronized (lastErrors) {
          errors = String.join("\n", lastErrors);
        }
        throw new IOException("the local Step Functions harness " + why + " (" + String.join(" ", command) + ")\n" + errors, e);
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while the local Step Functions harness started", e);
      }
    }

    private static int listeningPort(String line) {
      try {
        JsonNode ready = JSON.readTree(line);
        if ("listening".equals(ready.path("event").asText()) && ready.path("port").canConvertToInt()) {
          return ready.path("port").intValue();
        }
      } catch (IOException e) {
        // fall through: anything else first on stdout means the harness is not the one we expect
      }
      throw new IllegalStateException("the local Step Functions harness did not say where it listens, but: " + line);
    }

    private static void pump(InputStream stream, String name, Consumer<String> lines) {
      Thread pump = new Thread(() -> {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
          for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            lines.accept(line);
          }
        } catch (IOException | RuntimeException e) {
          // the process ended or printed nonsense; its exit is what the caller sees
        }
      }, name);
      pump.setDaemon(true);
      pump.start();
    }
  }
}
