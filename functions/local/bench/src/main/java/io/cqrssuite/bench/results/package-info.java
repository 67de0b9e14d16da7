/**
 * The JSON files the benches leave: which bench wrote one, the machine it names, the command that produced it, where
 * the newest run of each bench is under {@code target/bench/}, and the committed copies under {@code docs/benchmarks/}
 * that {@code docs/benchmarks.md} is generated from.
 */
package io.cqrssuite.bench.results;
