/**
 * {@code ./suite bench sync}: the suite's sync against a naive per-document sync and the raw limit of the engines,
 * measured in the same run, each checked against the log. Not API.
 */
package io.cqrssuite.verification.bench;
