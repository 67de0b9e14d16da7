package io.cqrssuite.entrypoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dagger.Lazy;
import io.cqrssuite.bus.BatchProcessor;
import io.cqrssuite.bus.BatchResult;
import io.cqrssuite.bus.DispatchResult;
import io.cqrssuite.bus.HandlerOutcome;
import io.cqrssuite.bus.RecordResult;
import io.cqrssuite.event.EventSource;
import io.cqrssuite.factory.EventDecoder;
import io.cqrssuite.factory.InboundBatch;
import io.cqrssuite.factory.InboundRecord;
import io.cqrssuite.failure.FailureKind;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.workflow.TaskCallbacks;
import io.cqrssuite.workflow.TaskErrors;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;

/**
 * The single entrypoint's work, source by source: decode, dispatch, answer task tokens, and shape the response AWS
 * defines for the source:
 *
 * <ul>
 *   <li>SQS: {@code batchItemFailures} with the {@code messageId} of every failed record (FIFO: the failed message
 *       and the rest of its group);
 *   <li>DynamoDB streams: {@code batchItemFailures} with the <em>lowest</em> failed sequence number, from which
 *       Lambda redelivers;
 *   <li>S3, SNS, EventBridge (asynchronous): nothing on success; the invocation fails when a record failed, so
 *       Lambda retries the event and then sends it to the on-failure destination;
 *   <li>Step Functions: with a task token the result goes back through {@code SendTaskSuccess} /
 *       {@code SendTaskFailure}; without one, the handler's result is the response and its exception the error.
 * </ul>
 *
 * Both mappings need {@code FunctionResponseTypes: [ReportBatchItemFailures]} in the template.
 */
public final class EventEntrypoint {
  private final ObjectMapper mapper;
  private final EventDecoder decoder;
  private final BatchProcessor processor;
  private final Lazy<TaskCallbacks> callbacks;
  private final StructuredLog log;

  @Inject
  public EventEntrypoint(
      ObjectMapper mapper,
      EventDecoder decoder,
      BatchProcessor processor,
      Lazy<TaskCallbacks> callbacks,
      StructuredLog log) {
    this.mapper = mapper;
    this.decoder = decoder;
    this.processor = processor;
    this.callbacks = callbacks;
    this.log = log;
  }

  /** Never throws for bad input: the outcome says how the invocation must end. */
  public InvocationOutcome handle(InputStream raw) {
    InboundBatch batch;
    try {
      batch = decoder.decode(raw);
    } catch (RuntimeException e) {
      log.error("event rejected as a whole", Map.of("errorType", e.getClass().getSimpleName(), "errorMessage", String.valueOf(e.getMessage())));
      return new InvocationOutcome(null, null, null, e);
    }
    BatchResult result = processor.process(batch);
    Map<Integer, Throwable> failures = new LinkedHashMap<>();
    for (RecordResult record : result.records()) {
      Throwable failure = record.succeeded() ? null : record.failure();
      if (failure != null) {
        logFailure(batch.source(), record, failure);
      }
      // A record held back behind an earlier failure of its FIFO group was not attempted: it is redelivered, in
      // order, rather than answered now.
      if (record.record().taskToken() != null && record.status() != RecordResult.Status.NOT_ATTEMPTED) {
        Throwable callbackFailure = answerTask(record);
        if (callbackFailure != null && failure == null) {
          logFailure(batch.source(), record, callbackFailure);
        }
        failure = callbackFailure;
      }
      if (failure != null) {
        failures.put(record.record().index(), failure);
      }
    }
    return shape(batch.source(), result, failures);
  }

  /**
   * Reports a task's result with its token. Returns the failure that keeps the record failed: {@code null} once
   * Step Functions has the answer, whatever it was, because from then on the workflow's Retry/Catch decides.
   */
  private Throwable answerTask(RecordResult record) {
    String token = record.record().taskToken();
    try {
      if (record.succeeded()) {
        callbacks.get().succeed(token, mapper.writeValueAsString(taskOutput(record)));
      } else {
        String error = record.failureKind() == FailureKind.PERMANENT ? TaskErrors.PERMANENT : TaskErrors.TRANSIENT;
        callbacks.get().fail(token, error, causeJson(record.failure()));
      }
      return null;
    } catch (Exception e) {
      log.warn("task callback failed; the record stays failed", Map.of("errorType", e.getClass().getSimpleName(), "errorMessage", String.valueOf(e.getMessage())));
      return e;
    }
  }

  /**
   * {@code {"errorType", "errorMessage"}} within SendTaskFailure's cause limit. The message is shortened before it is
   * serialised (to the longest prefix that fits, escaping included): cutting the serialised text instead would leave
   * a Catch with JSON that does not parse.
   */
  private String causeJson(Throwable failure) throws com.fasterxml.jackson.core.JsonProcessingException {
    String type = failure.getClass().getName();
    String message = String.valueOf(failure.getMessage());
    String json = causeJson(type, message);
    if (json.length() <= TaskErrors.MAX_CAUSE) {
      return json;
    }
    int fits = 0;
    int tooLong = message.length();
    while (tooLong - fits > 1) {
      int mid = (fits + tooLong) >>> 1;
      if (causeJson(type, shortened(message, mid)).length() <= TaskErrors.MAX_CAUSE) {
        fits = mid;
      } else {
        tooLong = mid;
      }
    }
    return causeJson(type, shortened(message, fits));
  }

  private String causeJson(String type, String message) throws com.fasterxml.jackson.core.JsonProcessingException {
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

  /** One handler's result as-is; several handlers' results keyed by handler name; none as {@code {}}. */
  private JsonNode taskOutput(RecordResult record) {
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

  private InvocationOutcome shape(EventSource source, BatchResult result, Map<Integer, Throwable> failures) {
    switch (source) {
      case SQS:
        {
          List<String> ids = new ArrayList<>();
          for (RecordResult record : result.records()) {
            if (failures.containsKey(record.record().index())) {
              ids.add(nullToEmpty(record.record().itemIdentifier()));
            }
          }
          return new InvocationOutcome(source, result, batchItemFailures(ids), null);
        }
      case DYNAMODB_STREAM:
        {
          // Lambda redelivers from the reported sequence number on: report only the lowest (first) failure.
          for (RecordResult record : result.records()) {
            if (failures.containsKey(record.record().index())) {
              return new InvocationOutcome(
                  source, result, batchItemFailures(List.of(nullToEmpty(record.record().itemIdentifier()))), null);
            }
          }
          return new InvocationOutcome(source, result, batchItemFailures(List.of()), null);
        }
      case STEP_FUNCTIONS:
        {
          RecordResult task = result.records().get(0);
          if (task.record().taskToken() != null) {
            Throwable callbackFailure = failures.get(task.record().index());
            return new InvocationOutcome(source, result, null, callbackFailure);
          }
          if (!task.succeeded()) {
            return new InvocationOutcome(source, result, null, task.failure());
          }
          try {
            return new InvocationOutcome(source, result, taskOutput(task), null);
          } catch (IllegalArgumentException e) {
            // A result Jackson cannot write is the handler's fault, reported like any handler failure.
            return new InvocationOutcome(source, result, null, e);
          }
        }
      default:
        {
          if (failures.isEmpty()) {
            return new InvocationOutcome(source, result, null, null);
          }
          Throwable first = failures.values().iterator().next();
          return new InvocationOutcome(
              source,
              result,
              null,
              new DeliveryFailedException(
                  failures.size() + " of " + result.records().size() + " " + source + " record(s) failed; first: " + first,
                  first));
        }
    }
  }

  private JsonNode batchItemFailures(List<String> ids) {
    ObjectNode response = mapper.createObjectNode();
    ArrayNode items = response.putArray("batchItemFailures");
    for (String id : ids) {
      items.addObject().put("itemIdentifier", id);
    }
    return response;
  }

  private void logFailure(EventSource source, RecordResult record, Throwable failure) {
    Map<String, Object> fields = new HashMap<>();
    fields.put("source", source.name());
    fields.put("itemIdentifier", record.record().itemIdentifier());
    fields.put("recordIndex", record.record().index());
    fields.put("status", record.status().name());
    fields.put("failureKind", record.failureKind() == null ? null : record.failureKind().name());
    fields.put("errorType", failure.getClass().getName());
    fields.put("reason", String.valueOf(failure.getMessage()));
    log.warn("record failed", fields);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
