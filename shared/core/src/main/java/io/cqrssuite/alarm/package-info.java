/**
 * Alarms the entrypoint raises about dead-lettered records and failed dead-letter writes: the {@link
 * io.cqrssuite.alarm.Alarm} and its {@link io.cqrssuite.alarm.Severity}, and the {@link
 * io.cqrssuite.alarm.AlarmSink} they go to. {@code cqrs-suite-reliability} implements the sink over SNS; without
 * one, alarms are not raised (contract §5).
 */
package io.cqrssuite.alarm;
