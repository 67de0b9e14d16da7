package io.cqrssuite.entrypoint;

import io.cqrssuite.event.InvalidEventException;
import io.cqrssuite.factory.EventDecoder;
import io.cqrssuite.factory.InboundBatch;
import io.cqrssuite.logging.StructuredLog;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import javax.inject.Inject;

/**
 * Step 1 of {@link EventEntrypoint}: reads the invocation's document and decodes it into a batch of records, or says
 * why it is no event at all (unreadable, malformed JSON, an unknown source). Never throws for bad input.
 */
final class DeliveryReader {
  private final EventDecoder decoder;
  private final StructuredLog log;

  @Inject
  DeliveryReader(EventDecoder decoder, StructuredLog log) {
    this.decoder = decoder;
    this.log = log;
  }

  /** The bytes as read, and either the batch or the rejection. */
  record Delivery(byte[] bytes, InboundBatch batch, RuntimeException rejection) {
    boolean rejected() {
      return rejection != null;
    }
  }

  Delivery read(InputStream raw) {
    byte[] bytes;
    try {
      bytes = raw.readAllBytes();
    } catch (IOException e) {
      // Nothing was read, so there is nothing to dead-letter: the invocation fails and Lambda retries it.
      return rejected(
          null,
          new InvalidEventException(
              "", "unreadable event (" + e.getClass().getSimpleName() + ")", "unreadable event: " + e.getMessage(), e));
    }
    try {
      return new Delivery(bytes, decoder.decode(new ByteArrayInputStream(bytes)), null);
    } catch (RuntimeException e) {
      return rejected(bytes, e);
    }
  }

  private Delivery rejected(byte[] bytes, RuntimeException rejection) {
    log.error(
        "event rejected as a whole",
        Map.of("errorType", rejection.getClass().getSimpleName(), "errorMessage", log.failureText(rejection)));
    return new Delivery(bytes, null, rejection);
  }
}
