package io.cqrssuite.failure;

/**
 * Whether trying again can help. Retry, batch reporting and dead-lettering all branch on this, so every failure
 * the suite records carries one.
 */
public enum FailureKind {
  /** Bad input or a rule the record breaks: the same record fails the same way every time (poison). */
  PERMANENT,
  /** Throttling, 5xx, timeouts, lost connections: the same record may succeed later. */
  TRANSIENT
}
