/**
 * Bench results drawn as PNG charts with JFreeChart, headless, beside their JSON: sync's throughput over batch size
 * (suite and raw), cold's box of total milliseconds per case, dispatch's bar per benchmark beside its baseline.
 */
package io.cqrssuite.bench.plot;
