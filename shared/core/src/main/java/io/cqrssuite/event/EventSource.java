package io.cqrssuite.event;

/** The AWS services that deliver events to the suite's single entrypoint. */
public enum EventSource {
  S3("aws:s3"),
  SQS("aws:sqs"),
  SNS("aws:sns"),
  EVENT_BRIDGE("aws.events"),
  DYNAMODB_STREAM("aws:dynamodb"),
  STEP_FUNCTIONS("aws.states");

  private final String awsName;

  EventSource(String awsName) {
    this.awsName = awsName;
  }

  /** The name AWS writes into the event ({@code eventSource} / {@code EventSource}). */
  public String awsName() {
    return awsName;
  }
}
