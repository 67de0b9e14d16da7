package io.cqrssuite.failure;

/**
 * A failure that no retry can cure: malformed input, a missing key, a value that breaks a rule. Handlers throw
 * a subclass (or this) to say "do not retry me, dead-letter me".
 */
public class PermanentException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PermanentException(String message) {
    super(message);
  }

  public PermanentException(String message, Throwable cause) {
    super(message, cause);
  }
}
