/**
 * Alarms over SNS ({@link io.cqrssuite.reliability.alarm.AlarmPublisher}, the core's alarm sink): a subject under
 * 100 ASCII characters, a JSON body naming ids, handler and error but never record contents, and one alarm per
 * failure fingerprint and time window across every container.
 */
package io.cqrssuite.reliability.alarm;
