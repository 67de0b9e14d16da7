/**
 * {@code ./suite bench dispatch}: JMH microbenchmarks of the suite's per-event costs, each paired with a bare
 * baseline measured in the same run, and the harness that runs them and reports ratios against the baselines.
 *
 * <p>Each benchmark class measures one thing with two methods, {@code suite} (the suite's own code) and
 * {@code baseline} (the least a program doing the same job must do); {@link io.cqrssuite.bench.DispatchBench} pairs
 * them by class. The benchmarks of package-private code (the row and document projections, the CSV row scanner)
 * live in those classes' own packages, where they can reach it without widening the production API.
 */
package io.cqrssuite.bench;
