/**
 * Schema migrations of the relational read model (PostgreSQL, MySQL/MariaDB) as a pipeline
 * ({@link io.cqrssuite.migrations.MigrationPipeline}): pre-checks, a backup of the affected tables and Flyway's history
 * to S3 ({@link io.cqrssuite.migrations.BackupStore}), Flyway with lock and statement timeouts and retries
 * ({@link io.cqrssuite.migrations.FlywayMigration}), validation, a {@link io.cqrssuite.migrations.HealthCheck}, and on
 * any failure after the backup an automatic restore followed by a resync of what the live sync wrote meanwhile. Each
 * piece is usable alone.
 */
package io.cqrssuite.migrations;
