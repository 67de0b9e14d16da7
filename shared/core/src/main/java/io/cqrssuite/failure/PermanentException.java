package io.cqrssuite.failure;

import java.util.Optional;

/**
 * A failure that no retry can cure: malformed input, a missing key, a value that breaks a rule. Handlers throw
 * a subclass (or this) to say "do not retry me, dead-letter me". Its message is shown in logs and alarms, so it
 * names ids, fields and types; the values that explain the failure go into its {@code detail}, which only the
 * dead-letter envelope holds.
 */
public class PermanentException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What may quote record values: shown only in the dead-letter envelope; {@code null} when the message says it all. */
  private final String detail;

  /**
   * @param message what logs, alarms and task-failure causes show: ids, names, types and lengths, never a record's
   *     values (contract §5)
   */
  public PermanentException(String message) {
    this(message, null, null);
  }

  public PermanentException(String message, Throwable cause) {
    this(message, null, cause);
  }

  /**
   * @param message what logs, alarms and task-failure causes show: ids, names, types and lengths only
   * @param detail the same failure with the values or the raw error text that explain it, for the dead-letter
   *     envelope alone
   */
  public PermanentException(String message, String detail, Throwable cause) {
    super(message, cause);
    this.detail = detail;
  }

  /** The text for the dead-letter envelope, when it says more than {@link #getMessage()}. */
  public Optional<String> detail() {
    return Optional.ofNullable(detail);
  }
}
