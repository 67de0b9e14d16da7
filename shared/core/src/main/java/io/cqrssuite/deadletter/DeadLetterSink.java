package io.cqrssuite.deadletter;

import java.util.List;

/**
 * Where permanently failed records go (contract §5). A record is acknowledged only after its envelope was
 * stored, so {@link #write} reports each envelope's fate separately: a partial failure leaves exactly the
 * unstored records failed.
 */
public interface DeadLetterSink {
  /** {@code false} when no dead-letter destination is configured: permanent failures stay failed, as before. */
  boolean configured();

  /** Stores the envelopes; one result per envelope, in order. Never throws for a failed write: it reports it. */
  List<Write> write(List<DeadLetterEnvelope> envelopes);

  /** What became of one envelope. */
  record Write(DeadLetterEnvelope envelope, Exception failure) {
    public boolean stored() {
      return failure == null;
    }
  }

  /** No destination: nothing is ever stored, so nothing is ever acknowledged because of a dead letter. */
  static DeadLetterSink none() {
    return NotConfigured.INSTANCE;
  }

  /** The binding when {@code SUITE_DEAD_LETTER_QUEUE_URL} is unset. */
  enum NotConfigured implements DeadLetterSink {
    INSTANCE;

    @Override
    public boolean configured() {
      return false;
    }

    @Override
    public List<Write> write(List<DeadLetterEnvelope> envelopes) {
      IllegalStateException none = new IllegalStateException("no dead-letter queue configured (SUITE_DEAD_LETTER_QUEUE_URL)");
      return envelopes.stream().map(e -> new Write(e, none)).toList();
    }
  }
}
