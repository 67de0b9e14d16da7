package io.cqrssuite.bus;

import io.cqrssuite.failure.FailureKind;

/** What one handler did with one event. */
public sealed interface HandlerOutcome {
  String handler();

  record Succeeded(String handler, Object result) implements HandlerOutcome {}

  record Failed(String handler, Throwable error, FailureKind kind) implements HandlerOutcome {}
}
