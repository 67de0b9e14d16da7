/**
 * Step Functions task tokens as the core sees them: the {@link io.cqrssuite.task.TaskCallbacks} a record's answer
 * goes to, and the error names and limits of {@link io.cqrssuite.task.TaskErrors}. {@code cqrs-suite-workflow}
 * implements the callbacks; without them, a record with a task token stays failed (contract §6).
 */
package io.cqrssuite.task;
