/**
 * The example domain's operations on the read models, for {@code ./suite reconcile|resync} and the run's ops stage:
 * the catalog's source table and read-model targets built from a function environment ({@link CatalogOperations}),
 * checked before anything runs, and a generated source for the embedded default ({@link SourceLoad}).
 */
package io.cqrssuite.verification.operations;
