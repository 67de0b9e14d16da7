package io.cqrssuite.workflow;

import io.cqrssuite.task.TaskCallbacks;
import com.fasterxml.jackson.databind.JsonNode;
import io.cqrssuite.logging.StructuredLog;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps a long task alive: while a handler works on a task, {@code SendTaskHeartbeat} goes out at a fixed interval
 * on a background thread, so a state's {@code HeartbeatSeconds} can be shorter than the task (contract §6).
 *
 * <pre>{@code
 * try (TaskHeartbeats.Beat beat = heartbeats.start(token, TaskHeartbeats.interval(task.input(), env))) {
 *   ... the long work ...
 * }
 * }</pre>
 *
 * A heartbeat answered with {@code TaskTimedOut}, {@code TaskDoesNotExist} or {@code InvalidToken} stops the beat
 * (the workflow has moved on; {@link TaskCallbacks} logs it); any other failure is logged and the next beat is
 * tried. A beat never fails the handler.
 */
public final class TaskHeartbeats implements AutoCloseable {
  /** Seconds between heartbeats when the task input names no {@link #INPUT_FIELD}. */
  public static final String INTERVAL_ENV = "SUITE_TASK_HEARTBEAT_SECONDS";
  /** The task input's field with the state's {@code HeartbeatSeconds}; beats go out three times per period. */
  public static final String INPUT_FIELD = "heartbeatSeconds";

  private final TaskCallbacks callbacks;
  private final ScheduledExecutorService scheduler;
  private final StructuredLog log;

  /** The caller owns {@code scheduler}; {@link #close} shuts it down. */
  public TaskHeartbeats(TaskCallbacks callbacks, ScheduledExecutorService scheduler, StructuredLog log) {
    this.callbacks = callbacks;
    this.scheduler = scheduler;
    this.log = log;
  }

  /** With one daemon thread, which never keeps a JVM (or a Lambda sandbox's freeze) waiting. */
  public static TaskHeartbeats create(TaskCallbacks callbacks, StructuredLog log) {
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "task-heartbeats");
              thread.setDaemon(true);
              return thread;
            });
    return new TaskHeartbeats(callbacks, scheduler, log);
  }

  /**
   * The interval for a task: a third of the input's {@value #INPUT_FIELD} (so two beats may be lost before the
   * state times out), else {@value #INTERVAL_ENV} from {@code env}, else {@link Duration#ZERO}: no heartbeats.
   */
  public static Duration interval(JsonNode taskInput, Map<String, String> env) {
    long period = taskInput == null ? 0 : taskInput.path(INPUT_FIELD).asLong(0);
    if (period > 0) {
      return Duration.ofMillis(Math.max(1_000, period * 1_000 / 3));
    }
    String configured = env.get(INTERVAL_ENV);
    if (configured == null || configured.isBlank()) {
      return Duration.ZERO;
    }
    try {
      long seconds = Long.parseLong(configured.trim());
      if (seconds < 0) {
        throw new IllegalArgumentException(INTERVAL_ENV + " must be 0 or positive, found " + seconds);
      }
      return Duration.ofSeconds(seconds);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(INTERVAL_ENV + " must be a number of seconds, found '" + configured + "'", e);
    }
  }

  /**
   * Starts heartbeats for {@code taskToken}, the first one {@code every} from now; a zero or negative interval
   * (or no token) starts nothing and returns a beat that is already stopped.
   */
  public Beat start(String taskToken, Duration every) {
    Beat beat = new Beat(taskToken);
    if (taskToken == null || every.isZero() || every.isNegative()) {
      beat.stopped.set(true);
      return beat;
    }
    long millis = every.toMillis();
    beat.future = scheduler.scheduleWithFixedDelay(beat::send, millis, millis, TimeUnit.MILLISECONDS);
    return beat;
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }

  /** The heartbeats of one task, stopped by {@link #close} when the handler ends. */
  public final class Beat implements AutoCloseable {
    private final String token;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile ScheduledFuture<?> future;
    private volatile int sent;

    private Beat(String token) {
      this.token = token;
    }

    /** Whether no more heartbeats go out: closed, or Step Functions said the task is over. */
    public boolean stopped() {
      return stopped.get();
    }

    /** Heartbeats delivered so far. */
    public int sent() {
      return sent;
    }

    private void send() {
      if (stopped.get()) {
        return;
      }
      try {
        if (callbacks.heartbeat(token) == TaskCallbacks.Completion.ALREADY_FINAL) {
          log.warn("task heartbeats stopped: the task is over on the Step Functions side", Map.of("heartbeatsSent", sent));
          stop();
          return;
        }
        sent++;
      } catch (RuntimeException e) {
        // Throttling or a network error: the next beat may pass, and HeartbeatSeconds allows for a lost one.
        log.warn(
            "task heartbeat failed; the next one is tried",
            Map.of("errorType", e.getClass().getSimpleName(), "errorMessage", String.valueOf(e.getMessage())));
      }
    }

    private void stop() {
      stopped.set(true);
      ScheduledFuture<?> running = future;
      if (running != null) {
        running.cancel(false);
      }
    }

    /** Stops the heartbeats; one already being sent completes. */
    @Override
    public void close() {
      stop();
    }
  }
}
