package io.cqrssuite.failure;

/**
 * Decides whether a throwable is {@link FailureKind#PERMANENT} or {@link FailureKind#TRANSIENT}.
 *
 * <p>The default is transient: an unknown error is retried and, if it persists, ends in the batch failure
 * response or the dead letters, never silently dropped. Only errors that say they are permanent (or wrap one)
 * skip the retries.
 */
public final class FailureClassifier {
  private FailureClassifier() {}

  public static FailureKind classify(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof PermanentException) {
        return FailureKind.PERMANENT;
      }
      if (t instanceof TransientException) {
        return FailureKind.TRANSIENT;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return FailureKind.TRANSIENT;
  }
}
