package io.cqrssuite.entrypoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.bus.BatchResult;
import io.cqrssuite.bus.RecordResult;
import io.cqrssuite.event.EventSource;
import io.cqrssuite.event.TumblingWindow;
import io.cqrssuite.failure.FailureText;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;

/**
 * Step 5 of {@link EventEntrypoint}: the response AWS defines for each source, from the records still failed after
 * dead-lettering and task answers:
 *
 * <ul>
 *   <li>SQS: {@code batchItemFailures} with the {@code messageId} of every failed record (FIFO: the failed message
 *       and the rest of its group);
 *   <li>DynamoDB streams: {@code batchItemFailures} with the <em>lowest</em> failed sequence number, from which
 *       Lambda redelivers; in a tumbling window, with the window's {@code state} as it came;
 *   <li>S3, SNS, EventBridge (asynchronous): nothing on success; the invocation fails when a record failed, so
 *       Lambda retries the event and then sends it to the on-failure destination;
 *   <li>Step Functions: with a task token the answer went back through the callbacks, and the invocation fails only
 *       when the answer could not be sent; without one, the handler's result is the response and its exception the
 *       error.
 * </ul>
 *
 * Both polled sources need {@code FunctionResponseTypes: [ReportBatchItemFailures]} on their mapping.
 */
final class ResponseShapes {
  private final ObjectMapper mapper;
  private final TaskAnswers tasks;

  @Inject
  ResponseShapes(ObjectMapper mapper, TaskAnswers tasks) {
    this.mapper = mapper;
    this.tasks = tasks;
  }

  /**
   * {@code failures}: the records that stay failed, by record index, in record order; {@code window}: the stream
   * delivery's tumbling window, or {@code null}.
   */
  InvocationOutcome shape(EventSource source, BatchResult result, Map<Integer, Throwable> failures, TumblingWindow window) {
    return switch (source) {
      case SQS -> queueBatch(result, failures);
      case DYNAMODB_STREAM -> streamBatch(result, failures, window);
      case STEP_FUNCTIONS -> task(result, failures);
      default -> asynchronous(source, result, failures);
    };
  }

  private InvocationOutcome queueBatch(BatchResult result, Map<Integer, Throwable> failures) {
    List<String> ids = new ArrayList<>();
    for (RecordResult record : result.records()) {
      if (failures.containsKey(record.record().index())) {
        ids.add(nullToEmpty(record.record().itemIdentifier()));
      }
    }
    return new InvocationOutcome(EventSource.SQS, result, batchItemFailures(ids), null);
  }

  private InvocationOutcome streamBatch(BatchResult result, Map<Integer, Throwable> failures, TumblingWindow window) {
    // Lambda redelivers from the reported sequence number on: report only the lowest (first) failure.
    List<String> lowest = List.of();
    for (RecordResult record : result.records()) {
      if (failures.containsKey(record.record().index())) {
        lowest = List.of(nullToEmpty(record.record().itemIdentifier()));
        break;
      }
    }
    ObjectNode response = batchItemFailures(lowest);
    if (window != null) {
      // The window's next invocation gets back what this one returns as state: hand on what we were given.
      response.set("state", window.state());
    }
    return new InvocationOutcome(EventSource.DYNAMODB_STREAM, result, response, null);
  }

  private InvocationOutcome task(BatchResult result, Map<Integer, Throwable> failures) {
    RecordResult task = result.records().get(0);
    if (task.record().taskToken() != null) {
      return new InvocationOutcome(EventSource.STEP_FUNCTIONS, result, null, failures.get(task.record().index()));
    }
    if (!task.succeeded()) {
      return new InvocationOutcome(EventSource.STEP_FUNCTIONS, result, null, task.failure());
    }
    try {
      return new InvocationOutcome(EventSource.STEP_FUNCTIONS, result, tasks.output(task), null);
    } catch (IllegalArgumentException e) {
      // A result Jackson cannot write is the handler's fault, reported like any handler failure.
      return new InvocationOutcome(EventSource.STEP_FUNCTIONS, result, null, e);
    }
  }

  private static InvocationOutcome asynchronous(EventSource source, BatchResult result, Map<Integer, Throwable> failures) {
    if (failures.isEmpty()) {
      return new InvocationOutcome(source, result, null, null);
    }
    Throwable first = failures.values().iterator().next();
    // Lambda puts the error, causes included, in its log and on-failure destination: the first failure is named by
    // its shown text and lends its stack trace, but is not the cause, whose message may quote the record.
    DeliveryFailedException error =
        new DeliveryFailedException(
            failures.size() + " of " + result.records().size() + " " + source + " record(s) failed; first: "
                + first.getClass().getName() + ": " + FailureText.of(first).shown(),
            null);
    error.setStackTrace(first.getStackTrace());
    return new InvocationOutcome(source, result, null, error);
  }

  private ObjectNode batchItemFailures(List<String> ids) {
    ObjectNode response = mapper.createObjectNode();
    ArrayNode items = response.putArray("batchItemFailures");
    for (String id : ids) {
      items.addObject().put("itemIdentifier", id);
    }
    return response;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
