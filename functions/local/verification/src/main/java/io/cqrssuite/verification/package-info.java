/**
 * The runs that prove the suite on this machine: the main run's workload through the catalog function into embedded
 * read models, checked against the state computed from the log, and the samples run over {@code events/}. Behind
 * {@code ./suite}; not API.
 */
package io.cqrssuite.verification;
