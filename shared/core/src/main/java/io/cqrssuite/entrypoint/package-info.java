/**
 * The single entrypoint's work for one invocation, as a chain of small steps ({@link
 * io.cqrssuite.entrypoint.EventEntrypoint}): read the document, process its records, dead-letter the poison ones,
 * answer task tokens, and shape the response each source expects. {@link io.cqrssuite.entrypoint.CoreModule} is
 * what every function's component includes.
 */
package io.cqrssuite.entrypoint;
