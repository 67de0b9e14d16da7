package io.cqrssuite.migrations;

/**
 * Another session holding a lock on a table a migration touches, as the engine's catalog shows it: a migration's DDL
 * would wait for it (and time out), so the pre-check stops before anything is written.
 *
 * @param session PostgreSQL's backend pid, MariaDB's connection id
 * @param table the table, or {@code unknown} where the engine does not say (MariaDB without the
 *     {@code metadata_lock_info} plugin: then every session with an old open transaction is listed)
 * @param lock the lock mode
 * @param transactionSeconds how long the session's transaction has been open
 */
public record LockHolder(String session, String table, String lock, long transactionSeconds) {}
