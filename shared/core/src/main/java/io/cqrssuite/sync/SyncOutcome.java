package io.cqrssuite.sync;

import io.cqrssuite.failure.FailureClassifier;
import io.cqrssuite.failure.FailureKind;

/**
 * What a sync target did with one change. Applied and both kinds of skip are successes: a duplicate or a stale
 * change leaving the target as it was is exactly the version guard working (contract §2).
 */
public sealed interface SyncOutcome {
  default boolean succeeded() {
    return !(this instanceof Failed);
  }

  /** The target now holds this version (or its tombstone). */
  record Applied() implements SyncOutcome {}

  /** The target already held this version: a redelivery or a replay. */
  record Duplicate() implements SyncOutcome {}

  /** The target held a newer version: an out-of-order delivery, logged as a conflict decision. */
  record Stale(long storedVersion) implements SyncOutcome {}

  /** The write failed; {@code kind} says whether a retry can help. */
  record Failed(Throwable error, FailureKind kind) implements SyncOutcome {
    public static Failed of(Throwable error) {
      return new Failed(error, FailureClassifier.classify(error));
    }
  }

  SyncOutcome APPLIED = new Applied();
  SyncOutcome DUPLICATE = new Duplicate();
}
