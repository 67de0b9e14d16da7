/**
 * Messages a handler sends on: SQS and SNS through {@link io.cqrssuite.outbound.OutboundMessages}, stamped with the
 * correlation id of the record being handled so the next function continues the same trace.
 */
package io.cqrssuite.outbound;
