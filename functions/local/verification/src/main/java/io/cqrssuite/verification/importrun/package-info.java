/**
 * The command path and the CSV import of the main run, and {@code ./suite bench import}, on the local cloud, each
 * checked row by row. Not API.
 */
package io.cqrssuite.verification.importrun;
