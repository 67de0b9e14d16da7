/**
 * Structured JSON logs, one event per line, with the invocation's request and trace ids and the correlation id of
 * the record being handled ({@link io.cqrssuite.logging.CorrelationContext}), carried to the threads a handler
 * starts.
 */
package io.cqrssuite.logging;
