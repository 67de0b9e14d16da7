package io.cqrssuite.aws.internal;

import java.util.function.Supplier;

/**
 * Builds a value (an SDK client, a service over one) the first time it is asked for, once, thread-safely: a function
 * that never uses it never pays for it at init.
 */
public final class OnFirstUse<T> implements Supplier<T> {
  private final Supplier<T> factory;
  private volatile T value;

  public OnFirstUse(Supplier<T> factory) {
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
