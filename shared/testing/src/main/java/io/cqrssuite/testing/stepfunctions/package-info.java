/**
 * A local stand-in for Step Functions where no server runs: the real state machine definitions executed in an ASL
 * interpreter (npm aws-local-stepfunctions on Node 22), Lambda tasks bridged to handlers in this JVM, and a
 * recorder of task-token callbacks.
 */
package io.cqrssuite.testing.stepfunctions;
