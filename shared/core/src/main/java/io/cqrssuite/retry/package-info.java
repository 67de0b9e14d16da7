/**
 * Retries inside one invocation: exponential backoff with jitter for transient failures, bounded by attempts and by
 * the time Lambda has left ({@link io.cqrssuite.retry.InvocationDeadline}). A leaf: it depends on nothing of the
 * suite but the failure kinds and the settings reader.
 */
package io.cqrssuite.retry;
