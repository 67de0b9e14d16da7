package io.cqrssuite.testing.permissions;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The calls recorded while a test drives functions. One recording at a time, process-wide: the test names the
 * function it is about to drive ({@link #actAs}); the calls of every thread are attributed to it, since a function's
 * work runs on threads it makes itself (pools, heartbeats) as well as on the invoking one. Calls signed with the
 * harness's own access key id (the test's seeding and checking clients) are not the function's and are skipped.
 */
public final class Recording implements AutoCloseable {
  private static volatile Recording current;

  private final String harnessAccessKeyId;
  private final Set<RecordedCall> calls = Collections.synchronizedSet(new LinkedHashSet<>());
  private volatile String function;

  private Recording(String harnessAccessKeyId) {
    this.harnessAccessKeyId = harnessAccessKeyId;
  }

  /** Starts recording; {@code harnessAccessKeyId} marks the calls that are the test's, not a function's. */
  public static synchronized Recording start(String harnessAccessKeyId) {
    if (current != null) {
      throw new IllegalStateException("a recording is already running");
    }
    current = new Recording(harnessAccessKeyId);
    return current;
  }

  static Recording current() {
    return current;
  }

  /** From now on, calls are this function's (a logical id of {@code template.yaml}). */
  public void actAs(String functionLogicalId) {
    this.function = functionLogicalId;
  }

  boolean isHarness(String accessKeyId) {
    return harnessAccessKeyId.equals(accessKeyId);
  }

  void add(String action, String resource) {
    String who = function;
    calls.add(new RecordedCall(who == null ? "(no function)" : who, action, resource));
  }

  /** The distinct calls so far, in the order first seen. */
  public List<RecordedCall> calls() {
    synchronized (calls) {
      return new ArrayList<>(calls);
    }
  }

  @Override
  public void close() {
    synchronized (Recording.class) {
      if (current == this) {
        current = null;
      }
    }
  }
}
