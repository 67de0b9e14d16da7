package io.cqrssuite.reliability.deadletter;

import io.cqrssuite.deadletter.DeadLetterEnvelope;
import io.cqrssuite.deadletter.DeadLetterSink;
import java.util.List;
import java.util.function.Supplier;

/**
 * A configured dead-letter sink whose SQS (and S3) clients are built at the first dead letter: most invocations
 * never write one, and building two SDK clients at init is most of a cold start's avoidable cost.
 */
final class DeadLettersOnFirstWrite implements DeadLetterSink {
  private final Supplier<DeadLetterSink> sink;

  DeadLettersOnFirstWrite(Supplier<DeadLetterSink> sink) {
    this.sink = sink;
  }

  @Override
  public boolean configured() {
    // Decided by the settings, which chose this class: asking must not build the clients.
    return true;
  }

  @Override
  public List<Write> write(List<DeadLetterEnvelope> envelopes) {
    return sink.get().write(envelopes);
  }
}
