package io.cqrssuite.command;

import java.time.Duration;

/** A backoff pause between attempts; an interrupt ends it early and is kept for the caller to see. */
final class Pause {
  private Pause() {}

  static void sleep(Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
