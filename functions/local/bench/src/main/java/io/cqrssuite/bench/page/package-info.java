/**
 * {@code docs/benchmarks.md}, generated from the published bench results under {@code docs/benchmarks/}: every figure
 * on the page is a value of one of those files after the page's rounding, so nobody writes a figure by hand.
 */
package io.cqrssuite.bench.page;
