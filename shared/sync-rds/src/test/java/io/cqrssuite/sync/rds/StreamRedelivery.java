package io.cqrssuite.sync.rds;

import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.failure.FailureKind;
import io.cqrssuite.sync.DataSyncHandler;
import io.cqrssuite.sync.SyncOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivers batches to a sync target the way a stream mapping with dead letters treats its outcomes: a permanent
 * failure is dead-lettered, a transient one is delivered again (after a pause, as the mapping's retries are spaced)
 * until it succeeds or the deliveries run out. Counters are readable while another thread delivers.
 */
final class StreamRedelivery {
  /** A record that would have gone to the dead letters, with the failure it was given. */
  record DeadLetter(ChangeRecord change, SyncOutcome.Failed failure) {}

  private final DataSyncHandler target;
  private final int maxDeliveries;
  private final Duration pause;
  private final List<DeadLetter> deadLetters = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger transientFailures = new AtomicInteger();
  private final AtomicInteger redeliveries = new AtomicInteger();
  private final AtomicInteger givenUp = new AtomicInteger();

  StreamRedelivery(DataSyncHandler target, int maxDeliveries, Duration pause) {
    this.target = target;
    this.maxDeliveries = maxDeliveries;
    this.pause = pause;
  }

  /** Delivers one batch, and its transiently failed records again, until none is left or deliveries run out. */
  void deliver(List<ChangeRecord> batch) throws Exception {
    List<ChangeRecord> pending = batch;
    for (int delivery = 1; ; delivery++) {
      List<SyncOutcome> outcomes = target.sync(pending);
      List<ChangeRecord> again = new ArrayList<>();
      for (int i = 0; i < pending.size(); i++) {
        if (outcomes.get(i) instanceof SyncOutcome.Failed failed) {
          if (failed.kind() == FailureKind.PERMANENT) {
            deadLetters.add(new DeadLetter(pending.get(i), failed));
          } else {
            transientFailures.incrementAndGet();
            again.add(pending.get(i));
          }
        }
      }
      if (again.isEmpty()) {
        return;
      }
      if (delivery == maxDeliveries) {
        givenUp.addAndGet(again.size());
        return;
      }
      redeliveries.incrementAndGet();
      Thread.sleep(pause.toMillis());
      pending = again;
    }
  }

  List<DeadLetter> deadLetters() {
    synchronized (deadLetters) {
      return List.copyOf(deadLetters);
    }
  }

  int transientFailures() {
    return transientFailures.get();
  }

  int redeliveries() {
    return redeliveries.get();
  }

  /** Records still failing when their deliveries ran out. */
  int givenUp() {
    return givenUp.get();
  }
}
