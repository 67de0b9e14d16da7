package io.cqrssuite.entrypoint;

/**
 * An asynchronous delivery (S3, SNS, EventBridge) had a record that failed. Thrown out of the handler so Lambda
 * retries the event and, when retries run out, hands the whole event to the on-failure destination: nothing is
 * acknowledged that was not handled.
 */
public final class DeliveryFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DeliveryFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
