package io.cqrssuite.reliability.idempotency;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.bus.EventHandler;
import io.cqrssuite.event.DomainEvent;
import io.cqrssuite.logging.StructuredLog;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a handler whose effect is not version-guarded (send a mail, call an API) at most once per event: keyed by
 * {@link EventHandler#name()} and {@link DomainEvent#eventId()}, so a redelivery or a replay of the same event (which
 * keeps its id) is recognised for as long as {@code SUITE_IDEMPOTENCY_TTL_HOURS}.
 *
 * <p>A repeat does not call the delegate and returns the stored result in its JSON form, a {@link JsonNode}
 * ({@code null} for a JSON null), not the object the first call returned. A failed call releases its claim and
 * rethrows unchanged, so permanent stays permanent and a retry runs the delegate again. When the store cannot be
 * reached before the call, the delegate does not run and the transient {@link IdempotencyStoreException} fails the
 * record; when the result cannot be recorded after a successful call, the result is returned and the failure logged,
 * because failing the record would make its retry run the effect a second time once the claim's lease ran out.
 */
public final class IdempotentHandler<E extends DomainEvent> implements EventHandler<E> {
  private final EventHandler<E> delegate;
  private final IdempotencyStore store;
  private final ObjectMapper mapper;
  private final StructuredLog log;

  public IdempotentHandler(EventHandler<E> delegate, IdempotencyStore store, ObjectMapper mapper, StructuredLog log) {
    this.delegate = delegate;
    this.store = store;
    this.mapper = mapper;
    this.log = log;
  }

  @Override
  public Class<E> eventType() {
    return delegate.eventType();
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public Object handle(E event) throws Exception {
    String handler = delegate.name();
    String eventId = event.eventId();
    Optional<String> stored = store.begin(handler, eventId);
    if (stored.isPresent()) {
      JsonNode result = mapper.readTree(stored.get());
      return result == null || result.isNull() ? null : result;
    }
    Object result;
    try {
      result = delegate.handle(event);
    } catch (Exception | Error failure) {
      try {
        store.abandon(handler, eventId);
      } catch (RuntimeException release) {
        // The claim's lease runs out with the invocation; the retry takes the record over then.
        failure.addSuppressed(release);
      }
      throw failure;
    }
    try {
      store.complete(handler, eventId, json(result));
    } catch (RuntimeException notRecorded) {
      log.error("idempotency result not recorded; a repeat after the claim's lease may run the handler again", Map.of(
          "handler", handler,
          "eventId", eventId,
          "errorType", notRecorded.getClass().getSimpleName(),
          "errorMessage", String.valueOf(notRecorded.getMessage())));
    }
    return result;
  }

  private String json(Object result) {
    try {
      return mapper.writeValueAsString(result);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the result of " + delegate.name() + " cannot be written as JSON for the idempotency store", e);
    }
  }
}
