package io.cqrssuite.command;

import java.util.function.Supplier;

/** Builds an SDK client on the first call, once: a function that never reads a pointer never pays for it. */
final class BuiltOnce<T> implements Supplier<T> {
  private final Supplier<T> factory;
  private volatile T value;

  BuiltOnce(Supplier<T> factory) {
    this.factory = factory;
  }

  @Override
  public T get() {
    T built = value;
    if (built == null) {
      synchronized (this) {
        built = value;
        if (built == null) {
          built = factory.get();
          value = built;
        }
      }
    }
    return built;
  }
}
