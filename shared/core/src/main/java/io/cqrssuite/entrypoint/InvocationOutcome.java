package io.cqrssuite.entrypoint;

import com.fasterxml.jackson.databind.JsonNode;
import io.cqrssuite.bus.BatchResult;
import io.cqrssuite.event.EventSource;

/**
 * The result of one invocation, before it is handed back to Lambda: the per-record results, the response AWS
 * expects for the source, or the error the invocation must end with (so Lambda retries an asynchronous event, or
 * a Step Functions state sees the task fail).
 *
 * @param source {@code null} when the document was not an event at all
 * @param batch {@code null} when the document was not an event at all
 * @param response the JSON to return ({@code batchItemFailures}, a task's output), {@code null} for none
 * @param error non-null when the invocation must fail; then {@code response} is ignored
 * @param deadLettered how many records (or whole documents) were dead-lettered and so acknowledged; they still
 *     show as failed in {@code batch}
 */
public record InvocationOutcome(EventSource source, BatchResult batch, JsonNode response, Throwable error, int deadLettered) {
  public InvocationOutcome(EventSource source, BatchResult batch, JsonNode response, Throwable error) {
    this(source, batch, response, error, 0);
  }

  public boolean failed() {
    return error != null;
  }

  InvocationOutcome withDeadLettered(int count) {
    return new InvocationOutcome(source, batch, response, error, count);
  }
}
