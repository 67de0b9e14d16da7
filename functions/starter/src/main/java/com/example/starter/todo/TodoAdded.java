package com.example.starter.todo;

/** {@code TODO_ADDED}: a new to-do on a list. The fields are as the message gave them; {@link TodoHandler} checks them. */
public record TodoAdded(String eventId, String listId, String todoId, String title) implements TodoEvent {}
