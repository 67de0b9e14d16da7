package io.cqrssuite.entrypoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dagger.Lazy;
import io.cqrssuite.bus.DispatchResult;
import io.cqrssuite.bus.HandlerOutcome;
import io.cqrssuite.bus.RecordResult;
import io.cqrssuite.event.DomainEvent;
import io.cqrssuite.event.TaskEvent;
import io.cqrssuite.factory.InboundBatch;
import io.cqrssuite.factory.InboundRecord;
import io.cqrssuite.failure.FailureKind;
import io.cqrssuite.failure.FailureText;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.task.TaskCallbacks;
import io.cqrssuite.task.TaskErrors;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.inject.Inject;

/**
 * Step 4 of {@link EventEntrypoint}: answers the Step Functions task token a record carries (contract §6): the
 * handlers' result with {@code SendTaskSuccess}, a failure with {@code SendTaskFailure} named
 * {@link TaskErrors#PERMANENT} or {@link TaskErrors#TRANSIENT}, so the state's {@code Retry} decides; and the task
 * of an SQS message that failed before its task could be read, through the token its body still names. The
 * {@link TaskCallbacks} are resolved at the first token, so a function that never sees one never builds a client.
 */
final class TaskAnswers {
  /** The task input's field with the state's {@code HeartbeatSeconds} (the payload convention, contract §6). */
  static final String HEARTBEAT_FIELD = "heartbeatSeconds";

  /** A task token with nothing to answer it: the record stays failed, so it is retried rather than lost. */
  private static final Lazy<TaskCallbacks> NONE_BOUND =
      () -> {
        throw new IllegalStateException(
            "a record carries a Step Functions task token, but no TaskCallbacks is bound: add cqrs-suite-workflow's"
                + " WorkflowModule to the function's component");
      };

  private final ObjectMapper mapper;
  private final Lazy<TaskCallbacks> callbacks;
  private final StructuredLog log;
  private final TaskTokenReader tokens;

  @Inject
  TaskAnswers(ObjectMapper mapper, Optional<Lazy<TaskCallbacks>> callbacks, StructuredLog log) {
    this(mapper, callbacks.orElse(NONE_BOUND), log);
  }

  TaskAnswers(ObjectMapper mapper, Lazy<TaskCallbacks> callbacks, StructuredLog log) {
    this.mapper = mapper;
    this.callbacks = callbacks;
    this.log = log;
    this.tokens = new TaskTokenReader(mapper.getFactory());
  }

  /**
   * Sends one {@code SendTaskHeartbeat} for every task of the batch whose input names a
   * {@value #HEARTBEAT_FIELD}: the state's heartbeat clock started when the task was sent (for a task over SQS,
   * while the message still waited in the queue), so a task restarts it on receipt. A beat that fails is logged and
   * never fails the record: the answer that follows reports the result either way.
   */
  void received(InboundBatch batch) {
    for (InboundRecord record : batch.records()) {
      if (record.taskToken() == null || !asksForHeartbeats(record)) {
        continue;
      }
      try {
        if (callbacks.get().heartbeat(record.taskToken()) == TaskCallbacks.Completion.ALREADY_FINAL) {
          log.warn("task received after Step Functions ended it", Map.of("itemIdentifier", String.valueOf(record.itemIdentifier())));
        }
      } catch (RuntimeException e) {
        log.warn(
            "heartbeat on receipt failed; the task goes on",
            Map.of("errorType", e.getClass().getSimpleName(), "errorMessage", String.valueOf(e.getMessage())));
      }
    }
  }

  /**
   * Whether the task's input names {@value #HEARTBEAT_FIELD}: on the built-in task event, else on the record as
   * delivered (a function may route the task into its own event type; over SQS the task is the message body).
   */
  private boolean asksForHeartbeats(InboundRecord record) {
    for (DomainEvent event : record.events()) {
      if (event instanceof TaskEvent task && task.input() != null && task.input().path(HEARTBEAT_FIELD).asLong(0) > 0) {
        return true;
      }
    }
    JsonNode task = record.raw();
    if (task == null) {
      return false;
    }
    if (task.path("body").isTextual()) {
      try {
        task = mapper.readTree(task.path("body").textValue());
      } catch (JsonProcessingException e) {
        return false;
      }
    }
    return task.path("input").path(HEARTBEAT_FIELD).asLong(0) > 0;
  }

  /**
   * Reports a task's result with its token. Returns the failure that keeps the record failed: {@code null} once
   * Step Functions has the answer, whatever it was, because from then on the workflow's Retry/Catch decides.
   */
  Throwable answer(RecordResult record) {
    String token = record.record().taskToken();
    try {
      if (record.succeeded()) {
        callbacks.get().succeed(token, mapper.writeValueAsString(output(record)));
      } else {
        String error = record.failureKind() == FailureKind.PERMANENT ? TaskErrors.PERMANENT : TaskErrors.TRANSIENT;
        callbacks.get().fail(token, error, causeJson(record.failure()));
      }
      return null;
    } catch (Exception e) {
      log.warn(
          "task callback failed; the record stays failed",
          Map.of("errorType", e.getClass().getSimpleName(), "errorMessage", String.valueOf(e.getMessage())));
      return e;
    }
  }

  /**
   * Fails at once, with {@link TaskErrors#PERMANENT}, the task of an SQS message that failed permanently before its
   * task could be read: a payload the function rejected, or a body that is not even JSON but still names its token
   * ({@link TaskTokenReader}). Without this the token would be lost with the message, and the task would wait out
   * its heartbeat on every one of its retries. The record's own outcome does not change: it goes to the dead letters
   * or the batch failures like any other rejected record, and a callback that fails is only logged. The cause is
   * built here from the message id and the body's length: the body was bad, so none of it is quoted.
   */
  void failUnreadTask(RecordResult record) {
    if (record.status() != RecordResult.Status.FAILED
        || record.failureKind() != FailureKind.PERMANENT
        || record.record().taskToken() != null
        || record.record().raw() == null) {
      return;
    }
    JsonNode body = record.record().raw().get("body");
    String token = body != null && body.isTextual() ? tokens.read(body.textValue()) : null;
    if (token == null) {
      return;
    }
    String messageId = String.valueOf(record.record().itemIdentifier());
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("itemIdentifier", messageId);
    fields.put("errorType", record.failure().getClass().getName());
    try {
      String message =
          "the task's SQS message "
              + messageId
              + " (a body of "
              + body.textValue().length()
              + " characters) failed permanently with "
              + record.failure().getClass().getSimpleName()
              + " before the task could run; the message goes where the function's failed records go, and the"
              + " reason is in its log";
      TaskCallbacks.Completion completion =
          callbacks.get().fail(token, TaskErrors.PERMANENT, causeJson(record.failure().getClass().getName(), message));
      fields.put("completion", completion.name());
      log.info("task of a rejected SQS message failed at once", fields);
    } catch (Exception e) {
      fields.put("callbackErrorType", e.getClass().getSimpleName());
      fields.put("callbackErrorMessage", String.valueOf(e.getMessage()));
      log.warn("task of a rejected SQS message could not be failed; it waits out its heartbeat", fields);
    }
  }

  /** One handler's result as-is; several handlers' results keyed by handler name; none as {@code {}}. */
  JsonNode output(RecordResult record) {
    Map<String, Object> results = new LinkedHashMap<>();
    for (DispatchResult dispatch : record.dispatches()) {
      for (HandlerOutcome outcome : dispatch.outcomes()) {
        if (outcome instanceof HandlerOutcome.Succeeded s && s.result() != null) {
          results.put(s.handler(), s.result());
        }
      }
    }
    if (results.isEmpty()) {
      return mapper.createObjectNode();
    }
    if (results.size() == 1) {
      return mapper.valueToTree(results.values().iterator().next());
    }
    return mapper.valueToTree(results);
  }

  /**
   * {@code {"errorType", "errorMessage"}} within SendTaskFailure's cause limit. The message is the failure's shown
   * text: the cause travels with the execution's history, outside the dead letters, so it never quotes the task's
   * input (contract §5). The message is shortened before it is
   * serialised (to the longest prefix that fits, escaping included): cutting the serialised text instead would leave
   * a Catch with JSON that does not parse.
   */
  private String causeJson(Throwable failure) throws JsonProcessingException {
    return causeJson(failure.getClass().getName(), FailureText.of(failure).shown());
  }

  private String causeJson(String type, String message) throws JsonProcessingException {
    String json = cause(type, message);
    if (json.length() <= TaskErrors.MAX_CAUSE) {
      return json;
    }
    int fits = 0;
    int tooLong = message.length();
    while (tooLong - fits > 1) {
      int mid = (fits + tooLong) >>> 1;
      if (cause(type, shortened(message, mid)).length() <= TaskErrors.MAX_CAUSE) {
        fits = mid;
      } else {
        tooLong = mid;
      }
    }
    return cause(type, shortened(message, fits));
  }

  private String cause(String type, String message) throws JsonProcessingException {
    ObjectNode cause = mapper.createObjectNode();
    cause.put("errorType", type);
    cause.put("errorMessage", message);
    return mapper.writeValueAsString(cause);
  }

  /** The first {@code length} characters and "...", never splitting a surrogate pair. */
  private static String shortened(String message, int length) {
    int end = length > 0 && Character.isHighSurrogate(message.charAt(length - 1)) ? length - 1 : length;
    return message.substring(0, end) + "...";
  }
}
