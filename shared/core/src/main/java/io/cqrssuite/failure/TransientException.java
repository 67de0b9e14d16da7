package io.cqrssuite.failure;

/**
 * A failure worth retrying: the dependency was busy, slow or unreachable. Any exception that is not a
 * {@link PermanentException} is treated as transient by default; this type exists so handlers can say so
 * explicitly and wrap the cause.
 */
public class TransientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TransientException(String message) {
    super(message);
  }

  public TransientException(String message, Throwable cause) {
    super(message, cause);
  }
}
