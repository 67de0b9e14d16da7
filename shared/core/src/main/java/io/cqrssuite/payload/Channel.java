package io.cqrssuite.payload;

/**
 * The AWS channels the suite's payloads travel on, each with the largest payload AWS accepts on it: the one place
 * these numbers live. A writer that offloads what does not fit (dead-letter envelopes to S3, task outputs to S3)
 * asks the channel it actually writes to, so a limit AWS raises is changed here and nowhere else.
 *
 * <p>AWS raised SQS messages to 1 MiB in August 2025, then asynchronous Lambda invocations and EventBridge events to
 * 1 MiB; SNS messages and Step Functions state, task input and task results stay at 256 KiB.
 */
public enum Channel {
  /** One SQS message, and one {@code SendMessageBatch} call: bodies and message attributes together. */
  SQS(1024 * 1024),
  /** One EventBridge event ({@code PutEvents} entry). */
  EVENT_BRIDGE(1024 * 1024),
  /** The payload of an asynchronous Lambda invocation. */
  LAMBDA_ASYNC(1024 * 1024),
  /** One SNS message, attributes included. */
  SNS(256 * 1024),
  /** Step Functions: an execution's state, a task's input, and the output {@code SendTaskSuccess} accepts. */
  STEP_FUNCTIONS(256 * 1024);

  private final int maxBytes;

  Channel(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** The largest payload, in bytes of UTF-8, the channel accepts. */
  public int maxBytes() {
    return maxBytes;
  }
}
