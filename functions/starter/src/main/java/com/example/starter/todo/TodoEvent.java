package com.example.starter.todo;

import io.cqrssuite.event.DomainEvent;
import io.cqrssuite.event.EventSource;

/** What happened to one to-do of one list, as {@link TodoHandler} sees it. */
public sealed interface TodoEvent extends DomainEvent permits TodoAdded, TodoCompleted {
  /** The list the to-do belongs to (the owner); {@code null} when the message did not say. */
  String listId();

  /** The to-do's id within its list; {@code null} when the message did not say. */
  String todoId();

  /** Both come from SQS messages here. */
  @Override
  default EventSource source() {
    return EventSource.SQS;
  }
}
