package io.cqrssuite.failure;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

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
    // Throwable.getCause() never returns the throwable itself, but a longer cycle (a -> b -> a) is legal: stop at
    // the first throwable seen twice.
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof PermanentException) {
        return FailureKind.PERMANENT;
      }
      if (t instanceof TransientException) {
        return FailureKind.TRANSIENT;
      }
    }
    return FailureKind.TRANSIENT;
  }
}
