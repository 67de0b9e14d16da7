package io.cqrssuite.event;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A Step Functions task, recognised by the payload convention (contract §6):
 *
 * <pre>{@code
 * "Parameters": {
 *   "taskToken.$": "$$.Task.Token",          // only for .waitForTaskToken states
 *   "executionId.$": "$$.Execution.Id",
 *   "state.$": "$$.State.Name",
 *   "mapItemIndex.$": "$$.Map.Item.Index",   // only inside a Map state
 *   "type": "CSV_IMPORT_CHUNK",
 *   "input.$": "$"
 * }
 * }</pre>
 *
 * It may arrive by direct Lambda invoke or as the body of an SQS message. With a token, the result goes back
 * through {@code SendTaskSuccess}/{@code SendTaskFailure}; without one, the Lambda's return value is the result.
 */
public record TaskEvent(
    String taskToken, String executionId, String stateName, Long mapItemIndex, String type, JsonNode input)
    implements DomainEvent {

  /**
   * Execution id, state name and (inside a Map state) the item index: the same on every redelivery and every
   * {@code Retry} of this task, different for each item a Map state fans out.
   */
  @Override
  public String eventId() {
    return executionId + "#" + stateName + (mapItemIndex == null ? "" : "#" + mapItemIndex);
  }

  @Override
  public EventSource source() {
    return EventSource.STEP_FUNCTIONS;
  }

  public boolean hasToken() {
    return taskToken != null;
  }
}
