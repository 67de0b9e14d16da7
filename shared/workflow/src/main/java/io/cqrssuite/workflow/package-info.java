/**
 * Step Functions from a handler: task tokens answered over the Step Functions API ({@link
 * io.cqrssuite.workflow.StepFunctionsTaskCallbacks}, outputs above 256 KiB offloaded to S3), heartbeats for long
 * tasks, and workflow starts with deterministic names, so a redelivered event starts nothing twice; wired by {@link
 * io.cqrssuite.workflow.WorkflowModule}.
 */
package io.cqrssuite.workflow;
