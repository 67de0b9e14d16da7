/**
 * The typed events a function's handlers receive, one per source: S3 objects, SQS and SNS messages, EventBridge
 * events, DynamoDB stream changes ({@link io.cqrssuite.event.DataChangeEvent} and the {@link
 * io.cqrssuite.event.ChangeRecord} every sync target consumes) and Step Functions tasks.
 */
package io.cqrssuite.event;
