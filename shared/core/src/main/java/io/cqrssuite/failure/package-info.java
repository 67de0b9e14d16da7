/**
 * What a failure means for retry: a {@link io.cqrssuite.failure.PermanentException} no retry can fix, a {@link
 * io.cqrssuite.failure.TransientException} that a retry may, and the {@link io.cqrssuite.failure.FailureClassifier}
 * that decides for any other exception (SDK throttling, timeouts, lost connections); and the {@link
 * io.cqrssuite.failure.FailureText} of a failure: what logs, alarms and task causes show, and what only the dead-letter
 * envelope holds.
 */
package io.cqrssuite.failure;
