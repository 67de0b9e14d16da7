/**
 * {@code ./suite bench sync}: the suite's sync against the raw limit of the engines at each batch size a stream
 * mapping may use (the template's among them), measured in the same run and each checked against the log; the naive
 * per-document sync on a sample; latency through a simulated stream poller, peak heap at the function's memory in a
 * child JVM, and the targets' statements, round trips and requests counted on the wire. Not API.
 */
package io.cqrssuite.verification.bench;
