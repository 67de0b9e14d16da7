/**
 * Dead letters as the entrypoint hands them on: the {@link io.cqrssuite.deadletter.DeadLetterEnvelope} (enough to
 * replay a record exactly) and the {@link io.cqrssuite.deadletter.DeadLetterSink} it is written to. {@code cqrs-
 * suite-reliability} implements the sink over SQS and S3; without one, a permanently failed record is reported as
 * failed, never acknowledged (contract §5).
 */
package io.cqrssuite.deadletter;
