package io.cqrssuite.outbound;

import java.util.function.Supplier;

/** Builds an SDK client the first time it is asked for, once: a function that never sends never pays for it. */
final class OnFirstUse<T> implements Supplier<T> {
  private final Supplier<T> factory;
  private volatile T value;

  OnFirstUse(Supplier<T> factory) {
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
