package io.cqrssuite.task;

/**
 * Where the entrypoint sends a task's answer when the record carried a Step Functions task token (contract §6).
 * {@code cqrs-suite-workflow} implements it over {@code SendTaskSuccess} / {@code SendTaskFailure} /
 * {@code SendTaskHeartbeat}; a function built on the core alone has no binding, and a record with a task token
 * then stays failed (it is redelivered or reported, never acknowledged unanswered).
 *
 * <p>An implementation reports an answer that Step Functions refuses as final ({@code TaskTimedOut},
 * {@code TaskDoesNotExist}, {@code InvalidToken}) as {@link Completion#ALREADY_FINAL}, and throws for anything that
 * may succeed on a retry (throttling, 5xx, a lost connection).
 */
public interface TaskCallbacks {
  /** Sends the task's output, a JSON document. */
  Completion succeed(String taskToken, String outputJson);

  /** Fails the task with an error name (e.g. {@link TaskErrors#PERMANENT}) and a cause, usually JSON. */
  Completion fail(String taskToken, String error, String cause);

  /** Keeps a long task alive within the state's {@code HeartbeatSeconds}. */
  Completion heartbeat(String taskToken);

  /** How a callback ended: delivered, or already final on the Step Functions side. */
  enum Completion {
    DELIVERED,
    ALREADY_FINAL
  }
}
