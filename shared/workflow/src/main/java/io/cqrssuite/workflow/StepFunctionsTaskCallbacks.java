package io.cqrssuite.workflow;

import io.cqrssuite.task.TaskCallbacks;
import io.cqrssuite.task.TaskErrors;
import io.cqrssuite.logging.StructuredLog;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.SfnException;
import software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

/**
 * Answers Step Functions task tokens over the Step Functions API: success, failure, heartbeat (contract §6).
 *
 * <p>{@code TaskTimedOut}, {@code TaskDoesNotExist} and {@code InvalidToken} are final answers from Step Functions:
 * the workflow has moved on (timed out, completed earlier, or the token is not one), so they are logged and
 * count as done: completing a token twice is harmless. Anything else (throttling, 5xx, network) propagates, and
 * the record carrying the task is retried.
 */
public final class StepFunctionsTaskCallbacks implements TaskCallbacks {
  private final SfnClient sfn;
  private final StructuredLog log;
  private final TaskOutputs outputs;

  /** Without an output bucket: output above 256 KiB is answered with a task failure. */
  public StepFunctionsTaskCallbacks(SfnClient sfn, StructuredLog log) {
    this(sfn, log, null);
  }

  /** With {@code outputs} (may be {@code null}), output above 256 KiB is stored in S3 and a pointer is sent. */
  public StepFunctionsTaskCallbacks(SfnClient sfn, StructuredLog log, TaskOutputs outputs) {
    this.sfn = sfn;
    this.log = log;
    this.outputs = outputs;
  }

  /**
   * Sends the task output (a JSON document). Output above 256 KiB goes through {@link TaskOutputs} when configured
   * (the task gets the pointer document), and is refused with a {@link TaskErrors#OUTPUT_TOO_LARGE} failure
   * otherwise, or when it is over {@link TaskOutputs#maxBytes()}.
   */
  @Override
  public Completion succeed(String taskToken, String outputJson) {
    int bytes = outputJson.getBytes(StandardCharsets.UTF_8).length;
    if (outputs != null && bytes > TaskErrors.MAX_OUTPUT_BYTES) {
      if (bytes > outputs.maxBytes()) {
        // Stored, it would make a pointer no reader follows: refuse it here, where the cause is known.
        return fail(taskToken, TaskErrors.OUTPUT_TOO_LARGE, "task output of " + bytes + " bytes exceeds the " + outputs.maxBytes() + " bytes TaskOutputs stores");
      }
      String pointer = outputs.fit(outputJson);
      return call("SendTaskSuccess", taskToken, () -> sfn.sendTaskSuccess(r -> r.taskToken(taskToken).output(pointer)));
    }
    if (bytes > TaskErrors.MAX_OUTPUT_BYTES) {
      return fail(
          taskToken,
          TaskErrors.OUTPUT_TOO_LARGE,
          "task output of " + bytes + " bytes exceeds SendTaskSuccess's " + TaskErrors.MAX_OUTPUT_BYTES + " bytes");
    }
    return call("SendTaskSuccess", taskToken, () -> sfn.sendTaskSuccess(r -> r.taskToken(taskToken).output(outputJson)));
  }

  @Override
  public Completion fail(String taskToken, String error, String cause) {
    String e = truncate(error, TaskErrors.MAX_ERROR);
    String c = truncate(cause == null ? "" : cause, TaskErrors.MAX_CAUSE);
    return call("SendTaskFailure", taskToken, () -> sfn.sendTaskFailure(r -> r.taskToken(taskToken).error(e).cause(c)));
  }

  @Override
  public Completion heartbeat(String taskToken) {
    return call("SendTaskHeartbeat", taskToken, () -> sfn.sendTaskHeartbeat(r -> r.taskToken(taskToken)));
  }

  private Completion call(String action, String token, Runnable request) {
    try {
      request.run();
      return Completion.DELIVERED;
    } catch (TaskTimedOutException | TaskDoesNotExistException | InvalidTokenException e) {
      log.warn(
          "task callback refused as final; not retried",
          Map.of("action", action, "errorCode", code(e), "tokenSuffix", suffix(token)));
      return Completion.ALREADY_FINAL;
    }
  }

  private static String code(SfnException e) {
    return e.awsErrorDetails() == null ? e.getClass().getSimpleName() : e.awsErrorDetails().errorCode();
  }

  /** Tokens are credentials of a sort: log only their tail, enough to correlate. */
  private static String suffix(String token) {
    return token.length() <= 12 ? token : "..." + token.substring(token.length() - 12);
  }

  static String truncate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 3) + "...";
  }
}
