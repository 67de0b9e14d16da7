package io.cqrssuite.failure;

import java.util.Optional;

/**
 * A failure worth retrying: the dependency was busy, slow or unreachable. Any exception that is not a
 * {@link PermanentException} is treated as transient by default; this type exists so handlers can say so
 * explicitly and wrap the cause.
 */
public class TransientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What may quote record values: shown only in the dead-letter envelope; {@code null} when the message says it all. */
  private final String detail;

  /**
   * @param message what logs, alarms and task-failure causes show: ids, names, types and lengths, never a record's
   *     values (contract §5)
   */
  public TransientException(String message) {
    this(message, null, null);
  }

  public TransientException(String message, Throwable cause) {
    this(message, null, cause);
  }

  /**
   * @param message what logs, alarms and task-failure causes show: ids, names, types and lengths only
   * @param detail the same failure with the values or the raw error text that explain it, for the dead-letter
   *     envelope alone
   */
  public TransientException(String message, String detail, Throwable cause) {
    super(message, cause);
    this.detail = detail;
  }

  /** The text for the dead-letter envelope, when it says more than {@link #getMessage()}. */
  public Optional<String> detail() {
    return Optional.ofNullable(detail);
  }
}
