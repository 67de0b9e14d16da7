/**
 * CloudWatch embedded-metric-format lines ({@link io.cqrssuite.metrics.MetricLines}), and the one per invocation:
 * records handled, failed, dead-lettered, rejected, and the stream's sync lag.
 */
package io.cqrssuite.metrics;
