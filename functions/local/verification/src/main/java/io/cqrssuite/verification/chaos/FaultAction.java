package io.cqrssuite.verification.chaos;

/** What a fault proxy does with one unit, as drawn from its {@link FaultPlan}. */
enum FaultAction {
  FORWARD,
  RESET_BEFORE,
  RESET_AFTER,
  STALL,
  ERROR_503
}
