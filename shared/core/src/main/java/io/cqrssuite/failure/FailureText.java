package io.cqrssuite.failure;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * The two texts of one failure (contract §5). {@code shown} goes into log lines, alarms, {@code SendTaskFailure}
 * causes and the error an invocation ends with, and names only ids, names, types and lengths. {@code detailed} goes
 * into the encrypted dead-letter envelope alone, and may quote the record's values and the raw driver, parser or
 * OpenSearch text that explain the failure.
 *
 * <p>Only the suite's failure types have messages built to be shown: a {@link PermanentException} or {@link
 * TransientException} takes its shown message and its detail apart. Any other exception (a driver's, a parser's, a
 * {@code NumberFormatException} of a handler) may quote what it was given, so it is shown by its type alone, or by the
 * suite failure it wraps.
 */
public record FailureText(String shown, String detailed) {
  /** How deep a cause chain is read; real chains are a few links long, cyclic ones never end. */
  private static final int MAX_CAUSES = 16;

  public static FailureText of(Throwable failure) {
    if (failure == null) {
      return new FailureText("null", "null");
    }
    return new FailureText(shown(failure), detailed(failure));
  }

  private static String shown(Throwable failure) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    int depth = 0;
    for (Throwable t = failure; t != null && seen.add(t) && depth++ < MAX_CAUSES; t = t.getCause()) {
      if (t instanceof PermanentException || t instanceof TransientException) {
        String message = String.valueOf(t.getMessage());
        return t == failure ? message : failure.getClass().getSimpleName() + ": " + message;
      }
    }
    return failure.getClass().getSimpleName() + " (message withheld: it may quote record values)";
  }

  /** The failure's own text (its detail when it has one), then each cause's that it does not already include. */
  private static String detailed(Throwable failure) {
    StringBuilder text = new StringBuilder(ownText(failure));
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    seen.add(failure);
    int depth = 0;
    for (Throwable t = failure.getCause(); t != null && seen.add(t) && depth++ < MAX_CAUSES; t = t.getCause()) {
      String own = ownText(t);
      if (!text.toString().contains(own)) {
        text.append("; caused by ").append(t.getClass().getName()).append(": ").append(own);
      }
    }
    return text.toString();
  }

  private static String ownText(Throwable t) {
    if (t instanceof PermanentException p && p.detail().isPresent()) {
      return p.detail().get();
    }
    if (t instanceof TransientException e && e.detail().isPresent()) {
      return e.detail().get();
    }
    return String.valueOf(t.getMessage());
  }
}
