package io.cqrssuite.testing;

import io.cqrssuite.bus.EventHandler;
import io.cqrssuite.event.DomainEvent;
import java.util.List;
import java.util.Objects;

/**
 * A hand-written fake handler: records every event it sees (into its own list and, when given, a shared log of
 * {@code name:eventId} entries) and answers with {@code body}, which may throw.
 */
public final class TestHandler<E extends DomainEvent> implements EventHandler<E> {
  /** What the handler does with an event; may throw anything a real handler could. */
  @FunctionalInterface
  public interface Body<E> {
    Object apply(E event) throws Exception;
  }

  private final String name;
  private final Class<E> type;
  private final Body<E> body;
  private final List<String> sharedLog;
  private final List<E> seen = new java.util.concurrent.CopyOnWriteArrayList<>();

  private TestHandler(String name, Class<E> type, List<String> sharedLog, Body<E> body) {
    this.name = Objects.requireNonNull(name);
    this.type = Objects.requireNonNull(type);
    this.sharedLog = sharedLog;
    this.body = Objects.requireNonNull(body);
  }

  public static <E extends DomainEvent> TestHandler<E> of(String name, Class<E> type, Body<E> body) {
    return new TestHandler<>(name, type, null, body);
  }

  public static <E extends DomainEvent> TestHandler<E> logging(
      String name, Class<E> type, List<String> sharedLog, Body<E> body) {
    return new TestHandler<>(name, type, sharedLog, body);
  }

  /** Succeeds with {@code null}. */
  public static <E extends DomainEvent> TestHandler<E> ok(String name, Class<E> type) {
    return new TestHandler<>(name, type, null, e -> null);
  }

  @Override
  public Class<E> eventType() {
    return type;
  }

  @Override
  public Object handle(E event) throws Exception {
    seen.add(event);
    if (sharedLog != null) {
      sharedLog.add(name + ":" + event.eventId());
    }
    return body.apply(event);
  }

  @Override
  public String name() {
    return name;
  }

  public List<E> seen() {
    return List.copyOf(seen);
  }

  public List<String> seenIds() {
    return seen.stream().map(DomainEvent::eventId).toList();
  }
}
