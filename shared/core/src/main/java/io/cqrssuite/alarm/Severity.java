package io.cqrssuite.alarm;

/** How bad an alarm is (contract §5), least to most severe. */
public enum Severity {
  INFO,
  WARNING,
  ERROR,
  CRITICAL
}
