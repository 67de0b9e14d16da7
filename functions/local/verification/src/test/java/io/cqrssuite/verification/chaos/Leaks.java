package io.cqrssuite.verification.chaos;

import java.lang.management.ManagementFactory;

/** What the proxy tests measure for leaks: threads by name, open file descriptors. */
final class Leaks {
  private Leaks() {}

  static long threadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .filter(t -> t.getName().startsWith(prefix))
        .count();
  }

  /** Open file descriptors of this JVM, or -1 where the platform does not say. */
  static long openFileDescriptors() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix
        ? unix.getOpenFileDescriptorCount()
        : -1;
  }
}
