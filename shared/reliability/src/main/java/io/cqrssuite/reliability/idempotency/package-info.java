/**
 * Exactly-once effect for handlers whose effect no version guards (a mail, a call to an API): a DynamoDB
 * conditional put per handler and event id, with the stored result returned on a repeat (contract §3).
 */
package io.cqrssuite.reliability.idempotency;
