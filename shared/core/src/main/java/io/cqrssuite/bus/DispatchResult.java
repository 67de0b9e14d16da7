package io.cqrssuite.bus;

import io.cqrssuite.event.DomainEvent;
import io.cqrssuite.failure.FailureKind;
import java.util.List;
import java.util.Optional;

/**
 * Every handler's outcome for one event. {@code unhandled} is true when no handler took the event and the policy
 * is to ignore it.
 */
public record DispatchResult(DomainEvent event, List<HandlerOutcome> outcomes, boolean unhandled) {
  public DispatchResult {
    outcomes = List.copyOf(outcomes);
  }

  public boolean succeeded() {
    return outcomes.stream().noneMatch(o -> o instanceof HandlerOutcome.Failed);
  }

  /** The first failure, by registration order. */
  public Optional<HandlerOutcome.Failed> firstFailure() {
    return outcomes.stream()
        .filter(o -> o instanceof HandlerOutcome.Failed)
        .map(o -> (HandlerOutcome.Failed) o)
        .findFirst();
  }

  /** Transient if any handler failed transiently (a retry can help it), else permanent. */
  public FailureKind failureKind() {
    return outcomes.stream()
            .anyMatch(o -> o instanceof HandlerOutcome.Failed f && f.kind() == FailureKind.TRANSIENT)
        ? FailureKind.TRANSIENT
        : FailureKind.PERMANENT;
  }
}
