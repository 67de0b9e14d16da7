package io.cqrssuite.verification.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * When a read model goes away during a pass: a few outages at random invocations, each lasting long enough ({@code
 * MaximumRetryAttempts + 2} invocations) that the batch at the head of the shard runs out of retries and is given
 * up to the on-failure destination — the path that ends in dead letters and a replay. Counted in invocations, not
 * seconds, so a run is the same on a slow machine. Outages take turns, from {@code firstTarget} on: PostgreSQL,
 * OpenSearch, both; a pass too short for its outages gets them overlapping.
 */
final class OutageSchedule {
  /** Which read model an outage takes away. */
  enum Target {
    POSTGRES,
    OPENSEARCH,
    BOTH
  }

  private record Outage(int start, Target target) {}

  private final List<Outage> outages = new ArrayList<>();
  private final int length;
  private int invocation;
  private Outage current;
  private int started;

  /** {@code expectedInvocations}: the pass's invocations if nothing failed (its batches). */
  OutageSchedule(int count, int expectedInvocations, int length, int firstTarget, SplittableRandom random) {
    this.length = length;
    if (count == 0) {
      return;
    }
    // Evenly spaced slots with a random start in the first half of each: every outage begins while the pass still
    // has batches to deliver (a pass takes at least its expected invocations), however short the pass.
    int slot = Math.max(1, expectedInvocations / count);
    for (int i = 0; i < count; i++) {
      int start = 1 + i * slot + random.nextInt(Math.max(1, slot / 2));
      outages.add(new Outage(start, Target.values()[(firstTarget + i) % Target.values().length]));
    }
  }

  /** Called after every invocation: starts or ends an outage on the proxies. */
  void next(TcpFaultProxy postgres, HttpFaultProxy search, ChaosFaults plans) {
    invocation++;
    if (current != null && invocation >= current.start() + length) {
      postgres.plan(plans.postgres());
      search.plan(plans.search());
      current = null;
    }
    for (Outage outage : outages) {
      if (outage.start() == invocation) {
        current = outage;
        started++;
        if (outage.target() != Target.OPENSEARCH) {
          postgres.plan(ChaosFaults.outage());
        }
        if (outage.target() != Target.POSTGRES) {
          search.plan(ChaosFaults.outage());
        }
      }
    }
  }

  int started() {
    return started;
  }
}
