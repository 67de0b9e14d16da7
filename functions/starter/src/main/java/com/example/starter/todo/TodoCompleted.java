package com.example.starter.todo;

/** {@code TODO_COMPLETED}: a to-do is done. The fields are as the message gave them; {@link TodoHandler} checks them. */
public record TodoCompleted(String eventId, String listId, String todoId) implements TodoEvent {}
