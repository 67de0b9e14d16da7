package io.cqrssuite.verification.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What a fault proxy does to each unit it relays (an HTTP request, or a chunk of bytes read from a TCP stream):
 * the probability of each fault, drawn independently per unit, and the seed that makes a run repeatable. The
 * faults are the ones a Lambda function meets inside a VPC: a NAT gateway or an RDS failover resetting a
 * connection before the request left ({@code resetBefore}) or after the server did the work but before the answer
 * came back ({@code resetAfter}, the case idempotent writes exist for), a slow network ({@code stall}), and an
 * OpenSearch domain answering 503 under load ({@code error503}, HTTP only). The faults of one unit exclude each
 * other, so their probabilities add up to at most 1; a plan that resets every unit is an outage.
 *
 * @param resetBefore probability that the unit is dropped and the connection reset (RST on both sides)
 * @param resetAfter probability that the request reaches the server but the connection is reset before its answer
 *     is relayed
 * @param stall probability that the unit is held back for about {@code stallMillis} before it is forwarded
 * @param stallMillis mean stall length; each stall is drawn uniformly from half to one and a half of it
 * @param error503 probability that an HTTP request is answered 503 without reaching the server (TCP ignores it)
 * @param seed seeds each connection's draws (mixed with the connection's ordinal), so a run can be repeated
 */
public record FaultPlan(
    double resetBefore, double resetAfter, double stall, long stallMillis, double error503, long seed) {

  public FaultPlan {
    probability("resetBefore", resetBefore);
    probability("resetAfter", resetAfter);
    probability("stall", stall);
    probability("error503", error503);
    if (stallMillis < 0) {
      throw new IllegalArgumentException("stallMillis must not be negative, found " + stallMillis);
    }
    // A little slack for sums such as 0.1 + 0.2 + 0.7 that are 1 only on paper.
    if (resetBefore + resetAfter + stall + error503 > 1 + 1e-9) {
      throw new IllegalArgumentException(
          "the fault probabilities of one unit exclude each other and must add up to at most 1, found "
              + (resetBefore + resetAfter + stall + error503));
    }
  }

  /** Relays everything untouched. */
  public static FaultPlan none() {
    return new FaultPlan(0, 0, 0, 0, 0, 0);
  }

  /** Resets every connection at its first unit: the dependency is unreachable (an RDS failover, a dead NAT). */
  public static FaultPlan outage() {
    return new FaultPlan(1, 0, 0, 0, 0, 0);
  }

  /** Whether every unit is reset, before or after forwarding. */
  public boolean isOutage() {
    return resetBefore + resetAfter >= 1;
  }

  /** The plan in one line for logs and run summaries, e.g. {@code resetBefore=1% stall=2%x200ms 503=5% seed=7}. */
  public String describe() {
    if (isOutage()) {
      return "outage (every connection reset) seed=" + seed;
    }
    List<String> parts = new ArrayList<>();
    if (resetBefore > 0) {
      parts.add("resetBefore=" + percent(resetBefore));
    }
    if (resetAfter > 0) {
      parts.add("resetAfter=" + percent(resetAfter));
    }
    if (stall > 0) {
      parts.add("stall=" + percent(stall) + "x" + stallMillis + "ms");
    }
    if (error503 > 0) {
      parts.add("503=" + percent(error503));
    }
    if (parts.isEmpty()) {
      return "no faults";
    }
    parts.add("seed=" + seed);
    return String.join(" ", parts);
  }

  /** The fate of one HTTP request: any of the faults, or none. */
  FaultAction forRequest(SplittableRandom random) {
    double draw = random.nextDouble();
    if ((draw -= resetBefore) < 0) {
      return FaultAction.RESET_BEFORE;
    }
    if ((draw -= resetAfter) < 0) {
      return FaultAction.RESET_AFTER;
    }
    if ((draw -= error503) < 0) {
      return FaultAction.ERROR_503;
    }
    return draw - stall < 0 ? FaultAction.STALL : FaultAction.FORWARD;
  }

  /** The fate of bytes on their way to the server: reset before they arrive, held back, or forwarded. */
  FaultAction forClientBytes(SplittableRandom random) {
    double draw = random.nextDouble();
    if ((draw -= resetBefore) < 0) {
      return FaultAction.RESET_BEFORE;
    }
    return draw - stall < 0 ? FaultAction.STALL : FaultAction.FORWARD;
  }

  /** The fate of bytes on their way back: the server has acted on the request, the answer may be lost. */
  FaultAction forServerBytes(SplittableRandom random) {
    return random.nextDouble() < resetAfter ? FaultAction.RESET_AFTER : FaultAction.FORWARD;
  }

  /** One stall's length: uniform in [stallMillis / 2, 3 * stallMillis / 2], so stalls do not line up. */
  long stallMillis(SplittableRandom random) {
    long half = stallMillis / 2;
    return half + (stallMillis > 0 ? random.nextLong(stallMillis + 1) : 0);
  }

  private static void probability(String name, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(name + " must be a probability in [0, 1], found " + value);
    }
  }

  private static String percent(double probability) {
    return String.format(Locale.ROOT, "%.4g", probability * 100).replaceAll("\\.?0+$", "") + "%";
  }
}
