/** Waiting in tests for what happens elsewhere, by polling with a deadline ({@link io.cqrssuite.testing.polling.Eventually}). */
package io.cqrssuite.testing.polling;
