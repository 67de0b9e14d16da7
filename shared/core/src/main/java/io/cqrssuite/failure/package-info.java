/**
 * What a failure means for retry: a {@link io.cqrssuite.failure.PermanentException} no retry can fix, a {@link
 * io.cqrssuite.failure.TransientException} that a retry may, and the {@link io.cqrssuite.failure.FailureClassifier}
 * that decides for any other exception (SDK throttling, timeouts, lost connections).
 */
package io.cqrssuite.failure;
