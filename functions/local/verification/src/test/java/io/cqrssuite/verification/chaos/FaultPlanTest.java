package io.cqrssuite.verification.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The draws of a {@link FaultPlan}: how often each fault happens, repeatably, and what a plan refuses. */
class FaultPlanTest {
  @Test
  void requestFaultsHappenAsOftenAsPlanned() {
    FaultPlan plan = new FaultPlan(0.1, 0.05, 0.2, 100, 0.15, 42);
    Map<FaultAction, Integer> seen = draws(plan, new SplittableRandom(1), 100_000);

    assertThat(seen.get(FaultAction.RESET_BEFORE) / 100_000.0).isCloseTo(0.10, within());
    assertThat(seen.get(FaultAction.RESET_AFTER) / 100_000.0).isCloseTo(0.05, within());
    assertThat(seen.get(FaultAction.STALL) / 100_000.0).isCloseTo(0.20, within());
    assertThat(seen.get(FaultAction.ERROR_503) / 100_000.0).isCloseTo(0.15, within());
    assertThat(seen.get(FaultAction.FORWARD) / 100_000.0).isCloseTo(0.50, within());
  }

  @Test
  void tcpDirectionsDrawOnlyTheirOwnFaults() {
    FaultPlan plan = new FaultPlan(0.3, 0.4, 0.3, 10, 0, 1);
    SplittableRandom random = new SplittableRandom(2);
    int resetsUp = 0;
    int stallsUp = 0;
    int resetsDown = 0;
    for (int i = 0; i < 20_000; i++) {
      FaultAction up = plan.forClientBytes(random);
      assertThat(up).isIn(FaultAction.RESET_BEFORE, FaultAction.STALL, FaultAction.FORWARD);
      resetsUp += up == FaultAction.RESET_BEFORE ? 1 : 0;
      stallsUp += up == FaultAction.STALL ? 1 : 0;
      FaultAction down = plan.forServerBytes(random);
      assertThat(down).isIn(FaultAction.RESET_AFTER, FaultAction.FORWARD);
      resetsDown += down == FaultAction.RESET_AFTER ? 1 : 0;
    }
    assertThat(resetsUp / 20_000.0).isCloseTo(0.3, within());
    assertThat(stallsUp / 20_000.0).isCloseTo(0.3, within());
    assertThat(resetsDown / 20_000.0).isCloseTo(0.4, within());
  }

  @Test
  void theSameSeedReplaysTheSameFaults() {
    FaultPlan plan = new FaultPlan(0.2, 0.2, 0.2, 50, 0.2, 9);
    assertThat(draws(plan, new SplittableRandom(5), 1000)).isEqualTo(draws(plan, new SplittableRandom(5), 1000));
  }

  @Test
  void stallsAreJitteredAroundTheirMean() {
    FaultPlan plan = new FaultPlan(0, 0, 1, 200, 0, 3);
    SplittableRandom random = new SplittableRandom(4);
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 10_000; i++) {
      long stall = plan.stallMillis(random);
      min = Math.min(min, stall);
      max = Math.max(max, stall);
    }
    assertThat(min).isBetween(100L, 110L);
    assertThat(max).isBetween(290L, 300L);
  }

  @Test
  void noneForwardsEverythingAndAnOutageResetsEverything() {
    SplittableRandom random = new SplittableRandom(6);
    assertThat(draws(FaultPlan.none(), random, 1000)).containsOnlyKeys(FaultAction.FORWARD);
    assertThat(draws(FaultPlan.outage(), random, 1000)).containsOnlyKeys(FaultAction.RESET_BEFORE);
    assertThat(FaultPlan.outage().forClientBytes(random)).isEqualTo(FaultAction.RESET_BEFORE);
    assertThat(FaultPlan.outage().isOutage()).isTrue();
    assertThat(new FaultPlan(0, 1, 0, 0, 0, 0).isOutage()).isTrue();
    assertThat(FaultPlan.none().isOutage()).isFalse();
  }

  @Test
  void describesItselfInOneLine() {
    assertThat(FaultPlan.none().describe()).isEqualTo("no faults");
    assertThat(FaultPlan.outage().describe()).startsWith("outage");
    assertThat(new FaultPlan(0.01, 0.005, 0.02, 200, 0.05, 7).describe())
        .isEqualTo("resetBefore=1% resetAfter=0.5% stall=2%x200ms 503=5% seed=7");
  }

  @Test
  void refusesImpossiblePlans() {
    assertThatThrownBy(() -> new FaultPlan(1.5, 0, 0, 0, 0, 0)).hasMessageContaining("resetBefore");
    assertThatThrownBy(() -> new FaultPlan(0, Double.NaN, 0, 0, 0, 0)).hasMessageContaining("resetAfter");
    assertThatThrownBy(() -> new FaultPlan(0, 0, 0.1, -1, 0, 0)).hasMessageContaining("stallMillis");
    assertThatThrownBy(() -> new FaultPlan(0.6, 0.6, 0, 0, 0, 0)).hasMessageContaining("at most 1");
    assertThat(new FaultPlan(0.1, 0.2, 0.3, 0, 0.4, 0).error503()).isEqualTo(0.4);
  }

  @Test
  void countsOfAPhaseAreTheDifferenceOfTwoReadings() {
    FaultCounts before = new FaultCounts(2, 10, 1, 3, 4);
    FaultCounts after = new FaultCounts(5, 30, 2, 3, 9);
    assertThat(after.minus(before)).isEqualTo(new FaultCounts(3, 20, 1, 0, 5));
    assertThat(after.units()).isEqualTo(41);
    assertThat(after.describe()).contains("5 connections").contains("9 answered 503");
  }

  private static Map<FaultAction, Integer> draws(FaultPlan plan, SplittableRandom random, int n) {
    Map<FaultAction, Integer> seen = new EnumMap<>(FaultAction.class);
    for (int i = 0; i < n; i++) {
      seen.merge(plan.forRequest(random), 1, Integer::sum);
    }
    return seen;
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(0.01);
  }
}
