/**
 * One CloudWatch embedded-metric-format line per invocation: records handled, failed, dead-lettered, rejected, and
 * the stream's sync lag.
 */
package io.cqrssuite.metrics;
