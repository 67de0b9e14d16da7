/**
 * The relational read model on PostgreSQL or MySQL/MariaDB: version-guarded JDBC batches per table, failing rows
 * isolated by splitting, tombstone rows, identifiers checked against the live schema, Flyway migrations from
 * locations the function names; wired by {@link io.cqrssuite.sync.rds.RdsSyncModule}. Add your engine's JDBC
 * driver.
 */
package io.cqrssuite.sync.rds;
